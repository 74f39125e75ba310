"""The « Équipes à contacter » block of a territory's plan page (slot ``plans.plan_detail``): the
territory's teams and a link to manage them, for the people who may (contacts.manage_team)."""

from __future__ import annotations

from core.blocks import register_block


def plan_teams_context(request, territory) -> dict | None:
    from contacts.models import Level, Team

    if territory is None or request is None:
        return None
    probe = Team(level=Level.TERRITOIRE, territory=territory)
    if not request.user.has_perm("contacts.manage_team", probe):
        return None
    teams = Team.objects.filter(level=Level.TERRITOIRE, territory=territory).prefetch_related(
        "members"
    )
    return {"territory": territory, "teams": list(teams.order_by("name", "pk"))}


def register() -> None:
    register_block(
        "plans.plan_detail",
        "contacts/directory/includes/plan_teams.html",
        plan_teams_context,
        order=200,
    )
