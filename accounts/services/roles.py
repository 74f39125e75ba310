"""Granting and revoking roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Role, RoleAssignment

# Roles that open the Django admin site (which also checks each model's permission through rules).
STAFF_ROLES = (Role.ADMINISTRATEUR, Role.EQUIPE_NATIONALE)


def sync_staff_flag(user_id: int) -> None:
    """``is_staff`` follows the roles (superusers keep it): only Django's admin site reads it."""
    User = get_user_model()
    has_staff_role = RoleAssignment.objects.filter(
        user_id=user_id, active=True, role__in=STAFF_ROLES
    ).exists()
    User.objects.filter(pk=user_id, is_superuser=False).exclude(is_staff=has_staff_role).update(
        is_staff=has_staff_role
    )


@transaction.atomic
def grant_role(user, role: str, **scope) -> RoleAssignment:
    """Give ``user`` a role (validated); an identical inactive assignment is reactivated."""
    existing = RoleAssignment.objects.filter(user=user, role=role, **scope).first()
    if existing:
        if not existing.active:
            existing.active = True
            existing.save()
        return existing
    assignment = RoleAssignment(user=user, role=role, **scope)
    assignment.full_clean()
    assignment.save()
    return assignment


def revoke_role(assignment: RoleAssignment) -> None:
    assignment.active = False
    assignment.save()
