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


# --- Ledger ---------------------------------------------------------------------------------------
# The operators' ledger (/registre/), the suggestions of services on an action and the operators' list
# of actions that fit their services (offers/views_ledger.py). What each person sees inside a page is
# limited by offers.services.ledger.visible_requests and offers.services.suggestions.
# (Imported here, not at the top: each family of offers appends its own section.)
from accounts.permissions import (  # noqa: E402
    is_coordinator,
    is_staff_reader,
    is_territory_editor,
    is_territory_reader,
)


@rules.predicate
def is_some_operator_member(user) -> bool:
    """Belongs to the team of some operator (whichever)."""
    from accounts.models import Role, RoleAssignment

    if not (user and user.is_authenticated and user.is_active):
        return False
    return RoleAssignment.objects.filter(user=user, role=Role.OPERATEUR, active=True).exists()


@rules.predicate
def reads_plan_of_action(user, action) -> bool:
    return action is not None and is_territory_reader(user, action.plan.territory)


@rules.predicate
def edits_plan_of_action(user, action) -> bool:
    return action is not None and is_territory_editor(user, action.plan.territory)


# National team and administrators: everything; coordinators: the territories of their area;
# operators' members: their own operator.
rules.add_perm("offers.view_ledger", is_staff_reader | is_coordinator | is_some_operator_member)
# The services suggested on an action: whoever may read its plan; dismissing one: its project lead.
rules.add_perm("offers.view_suggestions", reads_plan_of_action)
rules.add_perm("offers.dismiss_suggestion", edits_plan_of_action)
# The actions that fit an operator's services and have not asked yet (Sénat, recommendation 11).
rules.add_perm("offers.view_fitting_actions", is_staff_reader | is_some_operator_member)
