"""Permissions of the service offer, built from the shared predicates of accounts/permissions.py."""

from __future__ import annotations

import rules

from accounts.models import Role, RoleAssignment
from accounts.permissions import (
    is_administrator,
    is_coordinator,
    is_operator_member,
    is_signed_in,
    is_staff_reader,
    is_territory_editor,
    is_territory_reader,
)

# Django admin (rules.contrib.admin asks "<app>.<action>_<model>"): operators as before their move from
# accounts, administrators only.
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"offers.{action}_operator", is_administrator)

# The admin's index lists the app only for those who hold the permission named after it.
rules.add_perm("offers", is_administrator)


# --- Requests ------------------------------------------------------------------------------------
# A request is read by its territory's readers (project lead, binôme, coordinators of the area), by the
# members of the operator it is addressed to, and by the national team and administrators; an operator
# never reads another operator's requests. The operator's side answers (administrators too); the
# territory's editors (project lead, administrators) ask, write and withdraw.


@rules.predicate
def is_member_of_request_operator(user, service_request) -> bool:
    return service_request is not None and is_operator_member(user, service_request.operator)


@rules.predicate
def is_reader_of_request_territory(user, service_request) -> bool:
    return service_request is not None and is_territory_reader(user, service_request.territory)


@rules.predicate
def is_editor_of_request_territory(user, service_request) -> bool:
    return service_request is not None and is_territory_editor(user, service_request.territory)


@rules.predicate
def request_action_is_open(user, service_request) -> bool:
    """The request names no action, or a non-confidential one."""
    return service_request is not None and (
        service_request.action_id is None or not service_request.action.confidential
    )


is_request_answerer = is_administrator | is_member_of_request_operator
is_request_reader = is_staff_reader | is_member_of_request_operator | is_reader_of_request_territory

# The list shows each person the requests they may read (offers.selectors.requests_visible_to).
rules.add_perm("offers.list_requests", is_signed_in)
# Target: a Territory (from its plan or one of its actions).
rules.add_perm("offers.request_service", is_territory_editor)
# Targets below: a ServiceRequest.
rules.add_perm("offers.view_request", is_request_reader)
rules.add_perm("offers.answer_request", is_request_answerer)
rules.add_perm("offers.write_request_message", is_request_answerer | is_editor_of_request_territory)
rules.add_perm("offers.close_request", is_request_answerer | is_editor_of_request_territory)
# A confidential action's title and the request's first message stay with the territory's readers and
# the national team: the operator sees the service, amounts, states and the messages exchanged.
rules.add_perm(
    "offers.view_request_details",
    is_request_reader & (request_action_is_open | is_staff_reader | is_reader_of_request_territory),
)
# --- Catalogue management


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


# --- Ledger ---------------------------------------------------------------------------------------
# The operators' ledger (/registre/), the suggestions of services on an action and the operators' list
# of actions that fit their services (offers/views_ledger.py). What each person sees inside a page is
# limited by offers.services.ledger.visible_requests and offers.services.suggestions.


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
