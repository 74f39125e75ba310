"""Predicates and permissions: the single place that says who may read or edit what.

Every app registers its permissions in ``<app>/rules.py`` (accounts/rules.py for these), which
``rules.apps.AutodiscoverRulesConfig`` imports at start-up: the one way permissions are registered. E.g.::

    rules.add_perm("plans.edit_plan", is_administrator | is_project_lead_of_plan)

Predicates take ``(user, target)``; ``target`` is ``None`` when Django asks a model-level question
(the admin's changelist), so each predicate answers ``False`` for ``None`` unless it is global.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from accounts.models import Role, RoleAssignment


def _active_roles(user, role: str, **scope) -> QuerySet:
    return RoleAssignment.objects.filter(user=user, role=role, active=True, **scope)


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _coordinator_scope_q(territory) -> Q:
    """Coordinator assignments that cover ``territory``: its région or one of its départements."""
    touches = Q(region__in=territory.regions.all()) | Q(
        departement__in=territory.departements.all()
    )
    return touches & (Q(phase__isnull=True) | Q(phase_id=territory.phase_id))


@rules.predicate
def is_administrator(user) -> bool:
    if not _signed_in(user):
        return False
    return user.is_superuser or _active_roles(user, Role.ADMINISTRATEUR).exists()


@rules.predicate
def is_national_team(user) -> bool:
    return _signed_in(user) and _active_roles(user, Role.EQUIPE_NATIONALE).exists()


@rules.predicate
def is_coordinator(user) -> bool:
    """Coordinates some région or département (whichever)."""
    return _signed_in(user) and _active_roles(user, Role.COORDINATEUR).exists()


@rules.predicate
def is_project_lead_of_territory(user, territory) -> bool:
    if territory is None or not _signed_in(user):
        return False
    return _active_roles(user, Role.CHEF_DE_PROJET, territory=territory).exists()


@rules.predicate
def is_binome_of_territory(user, territory) -> bool:
    if territory is None or not _signed_in(user):
        return False
    return _active_roles(user, Role.BINOME, territory=territory).exists()


@rules.predicate
def is_coordinator_of_territory(user, territory) -> bool:
    """The territory touches the coordinator's région or département (in the coordinator's phase, if set)."""
    if territory is None or not _signed_in(user):
        return False
    return _active_roles(user, Role.COORDINATEUR).filter(_coordinator_scope_q(territory)).exists()


@rules.predicate
def is_coordinator_of_departement(user, departement) -> bool:
    """Coordinates this département, or the région it belongs to."""
    if departement is None or not _signed_in(user):
        return False
    scope = Q(departement=departement) | Q(region_id=departement.region_id)
    return _active_roles(user, Role.COORDINATEUR).filter(scope).exists()


@rules.predicate
def is_coordinator_of_region(user, region) -> bool:
    if region is None or not _signed_in(user):
        return False
    return _active_roles(user, Role.COORDINATEUR, region=region).exists()


@rules.predicate
def is_operator_member(user, operator) -> bool:
    if operator is None or not _signed_in(user):
        return False
    return _active_roles(user, Role.OPERATEUR, operator=operator).exists()


is_staff_reader = is_administrator | is_national_team
is_territory_reader = (
    is_staff_reader
    | is_project_lead_of_territory
    | is_binome_of_territory
    | is_coordinator_of_territory
)
is_territory_editor = is_administrator | is_project_lead_of_territory


# --- Accounts' own permissions -------------------------------------------------------------------


# The roles below a coordinator's: the only ones it grants (on the territories of its area).
GRANTED_BY_COORDINATORS = (Role.CHEF_DE_PROJET, Role.BINOME)


@rules.predicate
def can_grant_role(user, assignment) -> bool:
    """Nobody grants or revokes a role of their own (a coordinator made itself chef de projet through the
    API, then edited the plan); administrators grant any role to others; a coordinator grants only the
    roles below its own, on the territories of its area. ``assignment`` is a RoleAssignment, saved or
    not; its ``user`` may still be unknown (an invitation, or before the account is looked up)."""
    if assignment is None or not _signed_in(user):
        return False
    if assignment.user_id is not None and assignment.user_id == user.pk:
        return False
    if is_administrator(user):
        return True
    if assignment.role in GRANTED_BY_COORDINATORS and assignment.territory_id:
        return is_coordinator_of_territory(user, assignment.territory)
    return False


@rules.predicate
def is_own_account(user, account) -> bool:
    return account is not None and _signed_in(user) and account.pk == user.pk


@rules.predicate
def is_signed_in(user) -> bool:
    return _signed_in(user)
