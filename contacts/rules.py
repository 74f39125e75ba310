"""Permissions of the contacts app, built from the shared predicates of accounts/permissions.py."""

from __future__ import annotations

import rules

from accounts.models import Role, RoleAssignment
from accounts.permissions import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_departement,
    is_coordinator_of_region,
    is_coordinator_of_territory,
    is_national_team,
    is_project_lead_of_territory,
    is_staff_reader,
)
from contacts.models import Level, TeamMember
from contacts.permissions import is_team_member

# --- Directory


@rules.predicate
def manages_team(user, team) -> bool:
    """Administrators and the national team: every team; a coordinator: the teams of its région or
    département (and of the territories touching them); a project lead: its territory's teams."""
    if team is None:
        return False
    if is_staff_reader(user):
        return True
    if team.level == Level.TERRITOIRE and team.territory_id:
        return is_project_lead_of_territory(user, team.territory) or is_coordinator_of_territory(
            user, team.territory
        )
    if team.level == Level.DEPARTEMENT and team.departement_id:
        return is_coordinator_of_departement(user, team.departement)
    if team.level == Level.REGION and team.region_id:
        return is_coordinator_of_region(user, team.region)
    return False


@rules.predicate
def is_some_project_lead(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return RoleAssignment.objects.filter(user=user, role=Role.CHEF_DE_PROJET, active=True).exists()


# The list of one's teams and the creation form (its choices limited to one's scope).
rules.add_perm("contacts.view_directory", is_staff_reader | is_coordinator | is_some_project_lead)
rules.add_perm("contacts.manage_team", manages_team)
# The coverage check of the whole country: the national team (and administrators).
rules.add_perm("contacts.view_coverage", is_staff_reader)


# --- Requests
# A request is seen by the members of the team that holds it (not by the team it was transferred
# from), by the coordinators of its commune's département or région, by the national team and the
# administrators; it is worked by its team's members and the administrators (and by the national
# team when a national team holds it: the fallback national team may have no member yet).


@rules.predicate
def is_member_of_some_team(user) -> bool:
    if not (user and user.is_authenticated and user.is_active) or not user.email:
        return False
    return TeamMember.objects.filter(email__iexact=user.email).exists()


@rules.predicate
def is_member_of_request_team(user, request) -> bool:
    return request is not None and is_team_member(user, request.team)


@rules.predicate
def is_coordinator_of_request(user, request) -> bool:
    return request is not None and is_coordinator_of_departement(user, request.commune.departement)


@rules.predicate
def is_national_team_on_national_request(user, request) -> bool:
    return request is not None and request.team.level == Level.NATIONAL and is_national_team(user)


can_see_any_request = is_administrator | is_national_team | is_coordinator | is_member_of_some_team
rules.add_perm("contacts.use_request_inbox", can_see_any_request)
rules.add_perm(
    "contacts.view_contact_request",
    is_administrator | is_national_team | is_coordinator_of_request | is_member_of_request_team,
)
rules.add_perm(
    "contacts.handle_contact_request",
    is_administrator | is_member_of_request_team | is_national_team_on_national_request,
)
