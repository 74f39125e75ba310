"""Permissions of the service offer, built from the shared predicates of accounts/permissions.py."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator

# Django admin (rules.contrib.admin asks "<app>.<action>_<model>"): operators as before their move from
# accounts, administrators only.
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"offers.{action}_operator", is_administrator)

# The admin's index lists the app only for those who hold the permission named after it.
rules.add_perm("offers", is_administrator)


# --- Catalogue management

from accounts.models import Role, RoleAssignment  # noqa: E402
from accounts.permissions import is_operator_member, is_staff_reader  # noqa: E402

# Operators' staff (role opérateur) manage their own operator's services; the national team and the
# administrators manage every service (docs/offers.md).


@rules.predicate
def is_some_operator_member(user) -> bool:
    """Holds the role opérateur for some operator (whichever): may open the management screens."""
    return bool(operator_ids_of(user))


@rules.predicate
def is_member_of_service_operator(user, service) -> bool:
    if service is None:
        return False
    return is_operator_member(user, service.operator)


def operator_ids_of(user) -> set[int]:
    """The operators whose services ``user`` manages through a role opérateur."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    return set(
        RoleAssignment.objects.filter(
            user=user, role=Role.OPERATEUR, active=True, operator__isnull=False
        ).values_list("operator_id", flat=True)
    )


def managed_operator_ids(user) -> set[int] | None:
    """None: every operator (national team, administrators); else the ids of the user's operators."""
    return None if is_staff_reader(user) else operator_ids_of(user)


rules.add_perm("offers.manage_catalogue", is_staff_reader | is_some_operator_member)
rules.add_perm("offers.edit_service", is_staff_reader | is_member_of_service_operator)
# Django admin: services, administrators only (as operators).
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"offers.{action}_service", is_administrator)
# Creating a service for an operator (the operator is the target).
rules.add_perm("offers.add_service_of", is_staff_reader | is_operator_member)
