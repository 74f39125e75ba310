"""Predicates and permissions: the single place that says who may read or edit what.

Other apps build their permissions from these predicates in ``<app>/rules.py``, e.g.::

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


# --- Querysets: the same rules, as database filters (lists, dashboards, "Mon espace") -------------


def territories_followed_by(user) -> QuerySet:
    """Every territory the person may read: all for staff, else those of their roles and areas."""
    from territories.models import Territory

    if not _signed_in(user):
        return Territory.objects.none()
    if is_staff_reader(user):
        return Territory.objects.all()
    assignments = RoleAssignment.objects.filter(user=user, active=True)
    direct = assignments.filter(role__in=[Role.CHEF_DE_PROJET, Role.BINOME]).values("territory_id")
    condition = Q(pk__in=direct)
    for coordinator in assignments.filter(role=Role.COORDINATEUR):
        area = (
            Q(regions=coordinator.region_id)
            if coordinator.region_id
            else Q(departements=coordinator.departement_id)
        )
        if coordinator.phase_id:
            area &= Q(phase_id=coordinator.phase_id)
        condition |= Q(pk__in=Territory.objects.filter(area).values("pk"))
    return Territory.objects.filter(condition)


def editable_territories(user) -> QuerySet:
    """The territories whose action plan, contacts and requests the person may edit."""
    from territories.models import Territory

    if not _signed_in(user):
        return Territory.objects.none()
    if is_administrator(user):
        return Territory.objects.all()
    leads = RoleAssignment.objects.filter(user=user, active=True, role=Role.CHEF_DE_PROJET)
    return Territory.objects.filter(pk__in=leads.values("territory_id"))


def operators_of(user) -> QuerySet:
    from accounts.models import Operator

    if not _signed_in(user):
        return Operator.objects.none()
    if is_administrator(user):
        return Operator.objects.all()
    return Operator.objects.filter(
        members__user=user, members__role=Role.OPERATEUR, members__active=True
    ).distinct()


# --- Accounts' own permissions -------------------------------------------------------------------


@rules.predicate
def can_grant_role(user, assignment) -> bool:
    """Administrators grant any role; a coordinator grants chef de projet / binôme roles in its area."""
    if assignment is None or not _signed_in(user):
        return False
    if is_administrator(user):
        return True
    if assignment.role in (Role.CHEF_DE_PROJET, Role.BINOME) and assignment.territory_id:
        return is_coordinator_of_territory(user, assignment.territory)
    return False


@rules.predicate
def is_own_account(user, account) -> bool:
    return account is not None and _signed_in(user) and account.pk == user.pk


rules.add_perm("accounts.invite", is_administrator | is_coordinator)  # the invitation form itself
rules.add_perm(
    "accounts.grant_role", can_grant_role
)  # target: an unsaved RoleAssignment or Invitation
rules.add_perm("accounts.revoke_role", can_grant_role)
rules.add_perm("accounts.view_user_list", is_administrator)
rules.add_perm("accounts.deactivate_user", is_administrator)
rules.add_perm("accounts.view_journal", is_staff_reader)
rules.add_perm("accounts.export_journal", is_staff_reader)

# Django admin (rules.contrib.admin asks "<app>.<action>_<model>", with or without an object).
# Only administrators manage accounts; the admin site itself also requires ``is_staff`` (see signals.py).
for app_label, model in (
    ("accounts", "roleassignment"),
    ("accounts", "operator"),
    ("accounts", "invitation"),
    ("auth", "user"),
    ("auth", "group"),
):
    for action in ("view", "add", "change", "delete"):
        if (app_label, model, action) != ("auth", "user", "view"):
            rules.add_perm(f"{app_label}.{action}_{model}", is_administrator)
rules.add_perm(
    "auth.view_user", is_administrator | is_own_account
)  # also the account's "Historique"


@rules.predicate
def is_signed_in(user) -> bool:
    return _signed_in(user)


rules.add_perm("accounts.is_signed_in", is_signed_in)  # pages about the person's own account


# Programme-level data (territories/admin.py lets the phases' labels and dates be edited).
rules.add_perm("territories.view_phase", is_staff_reader)
rules.add_perm("territories.change_phase", is_staff_reader)
