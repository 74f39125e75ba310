"""Granting and revoking roles; deactivating an account (which ends its roles)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from core.emails import queue_email

# Roles that open the Django admin site (which also checks each model's permission through rules).
STAFF_ROLES = (Role.ADMINISTRATEUR, Role.EQUIPE_NATIONALE)


class DeactivatedAccountError(Exception):
    """The account was deactivated: only an administrator reactivates it, explicitly (message shown)."""

    def __init__(self, email: str = ""):
        super().__init__(
            f"Le compte {email} est désactivé : seul un administrateur peut le réactiver "
            "(administration, « Comptes »), puis lui attribuer un rôle."
        )


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
def grant_role(user, role: str, granted_by=None, **scope) -> RoleAssignment:
    """Give ``user`` a role (validated); an identical inactive assignment is reactivated.

    A deactivated account gets no role (``DeactivatedAccountError``). With ``granted_by`` the journal
    records who granted it and the person is told by email.
    """
    if user.pk and not user.is_active:
        raise DeactivatedAccountError(user.email)
    assignment = RoleAssignment.objects.filter(user=user, role=role, **scope).first()
    if assignment and assignment.active:
        return assignment
    if assignment is None:
        assignment = RoleAssignment(user=user, role=role, **scope)
        assignment.full_clean()
    assignment.active = True
    if granted_by is not None:
        assignment._change_reason = f"Rôle attribué par {granted_by.email}"
    assignment.save()
    if granted_by is not None:
        notify_grant(assignment, granted_by)
    return assignment


def notify_grant(assignment: RoleAssignment, granted_by) -> None:
    context = {
        "assignment": assignment,
        "granted_by": granted_by,
        "url": settings.SITE_URL + reverse("accounts:dashboard"),
    }
    queue_email(
        "Un rôle vous a été attribué sur la plateforme Territoires d'industrie",
        render_to_string("accounts/emails/role_granted.txt", context),
        [assignment.user.email],
    )


def revoke_role(assignment: RoleAssignment, reason: str = "") -> None:
    assignment.active = False
    if reason:
        assignment._change_reason = reason
    assignment.save()


@transaction.atomic
def deactivate_account(account, deactivated_by=None) -> None:
    """Close the account, end its roles (``end_roles_of_inactive``, run on every save of an inactive
    account, the admin's included) and its sessions."""
    from accounts.services.sessions import end_all_sessions

    account.is_active = False
    if deactivated_by is not None:
        account._change_reason = f"Compte désactivé par {deactivated_by.email}"
    account.save()
    end_all_sessions(account)


@transaction.atomic
def reactivate_account(account, reactivated_by=None) -> None:
    """Open a deactivated account again, with no role: its roles were ended with the deactivation
    and are granted again one by one (an invitation or the role screens), each one journalled."""
    account.is_active = True
    if reactivated_by is not None:
        account._change_reason = f"Compte réactivé par {reactivated_by.email}"
    account.save()


def end_roles_of_inactive(account) -> int:
    """End every role of a deactivated account, so that nothing comes back with it: invitations and
    grants are refused while it is deactivated, and an administrator who reactivates it grants its
    roles again one by one. Returns the roles ended."""
    if account.is_active:
        return 0
    ended = 0
    for assignment in RoleAssignment.objects.filter(user=account, active=True):
        revoke_role(assignment, "Compte désactivé")
        ended += 1
    return ended
