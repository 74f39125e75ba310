"""The directory's pages for core/tests/test_accessibility.py (its SPECIAL entries): a team's page and
a member's, on the demo teams (created here, idempotently)."""

from __future__ import annotations


def _demo_team():
    from contacts.models import Level, Team
    from contacts.services.demo import load_demo_contacts

    load_demo_contacts()
    return Team.objects.filter(level=Level.TERRITOIRE).order_by("pk").first()


def team_page(client, scene):
    return client.get(f"/contacts/equipes/{_demo_team().pk}/")


def member_page(client, scene):
    team = _demo_team()
    return client.get(f"/contacts/equipes/{team.pk}/membres/{team.members.first().pk}/")


def member_add_errors(client, scene):
    """The member form refused (an invalid address): the page with its errors, status 400."""
    team = _demo_team()
    return client.post(f"/contacts/equipes/{team.pk}/membres/nouveau/", {"name": "X", "email": "x"})


def commune_with_contacts(client, scene):
    """Meaux's page with the demo teams: the public contacts block, public and non-public members."""
    _demo_team()
    return client.get("/communes/77284/")
