"""Read queries of accounts (HackSoft's services/selectors split): what a person follows, edits, holds.

The querysets are the predicates of accounts/permissions.py written as database filters, for lists,
dashboards and exports; ``get_or_404`` turns any malformed identifier from a URL into a 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, RoleAssignment
from accounts.permissions import is_administrator, is_signed_in, is_staff_reader

# The widest integer every supported database stores (SQLite's INTEGER, PostgreSQL's bigint): a larger
# identifier in a URL raised OverflowError (a 500) on SQLite before this bound.
MAX_INTEGER_PK = 2**63 - 1


def get_or_404(model_or_queryset, pk, **filters):
    """``get_object_or_404`` for an identifier taken from a URL: malformed, too large or holding a NUL
    character, it is a 404 (these were 500s: ValueError, OverflowError, PostgreSQL's NUL refusal)."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    pk_field = queryset.model._meta.pk
    try:
        value = pk_field.to_python(pk)
    except (ValidationError, ValueError, TypeError) as error:
        raise Http404("Identifiant invalide.") from error
    if isinstance(value, int) and not -MAX_INTEGER_PK <= value <= MAX_INTEGER_PK:
        raise Http404("Identifiant invalide.")
    if isinstance(value, str) and "\x00" in value:
        raise Http404("Identifiant invalide.")
    return get_object_or_404(queryset, pk=value, **filters)


def active_assignments(user) -> QuerySet:
    """The person's roles in force, with what their scope labels need."""
    return RoleAssignment.objects.filter(user=user, active=True).select_related(
        "territory__phase", "departement", "region", "operator", "phase"
    )


def accounts_for_administrators() -> QuerySet:
    """Every account, active ones first, with their roles (the "Comptes" page)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.order_by("-is_active", "email")
        .prefetch_related("role_assignments")
    )


def territories_followed_by(user) -> QuerySet:
    """Every territory the person may read: all for staff, else those of their roles and areas."""
    from territories.models import Territory

    if not is_signed_in(user):
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

    if not is_signed_in(user):
        return Territory.objects.none()
    if is_administrator(user):
        return Territory.objects.all()
    leads = RoleAssignment.objects.filter(user=user, active=True, role=Role.CHEF_DE_PROJET)
    return Territory.objects.filter(pk__in=leads.values("territory_id"))


def operators_of(user) -> QuerySet:
    # Operators live in offers, above accounts: reached through the role's foreign key, not imported.
    Operator = RoleAssignment._meta.get_field("operator").related_model  # noqa: N806
    if not is_signed_in(user):
        return Operator.objects.none()
    if is_administrator(user):
        return Operator.objects.all()
    return Operator.objects.filter(
        members__user=user, members__role=Role.OPERATEUR, members__active=True
    ).distinct()
