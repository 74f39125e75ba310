"""Permissions of the contacts app, built from the shared predicates of accounts/permissions.py."""

from __future__ import annotations

import rules

from accounts.models import Role, RoleAssignment
from accounts.permissions import (
    is_coordinator,
    is_coordinator_of_departement,
    is_coordinator_of_region,
    is_coordinator_of_territory,
    is_project_lead_of_territory,
    is_staff_reader,
)
from contacts.models import Level

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
