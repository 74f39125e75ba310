"""Reads of the inbox: which requests and teams a person sees (the same rule as contacts/rules.py)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Role, RoleAssignment
from accounts.permissions import is_administrator, is_national_team
from contacts.models import ContactRequest, Team, TeamMember


def member_teams(user) -> QuerySet:
    if not (user and user.is_authenticated and user.is_active) or not user.email:
        return Team.objects.none()
    ids = TeamMember.objects.filter(email__iexact=user.email).values("team_id")
    return Team.objects.filter(pk__in=ids)


def visible_requests(user) -> QuerySet:
    """Every request ``user`` may open (contacts.view_contact_request), as one queryset."""
    requests = ContactRequest.objects.select_related("team", "commune__departement", "assigned_to")
    if is_administrator(user) or is_national_team(user):
        return requests
    scope = Q(team__in=member_teams(user))
    coordinations = RoleAssignment.objects.filter(user=user, role=Role.COORDINATEUR, active=True)
    departements = [a.departement_id for a in coordinations if a.departement_id]
    regions = [a.region_id for a in coordinations if a.region_id]
    if departements:
        scope |= Q(commune__departement_id__in=departements)
    if regions:
        scope |= Q(commune__departement__region_id__in=regions)
    return requests.filter(scope)


def visible_teams(user) -> QuerySet:
    """The teams offered as a filter: those holding a visible request, and the user's own."""
    holding = visible_requests(user).values("team_id")
    return Team.objects.filter(Q(pk__in=holding) | Q(pk__in=member_teams(user).values("pk")))
