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


# --- Requests ------------------------------------------------------------------------------------
# A request is read by its territory's readers (project lead, binôme, coordinators of the area), by the
# members of the operator it is addressed to, and by the national team and administrators; an operator
# never reads another operator's requests. The operator's side answers (administrators too); the
# territory's editors (project lead, administrators) ask, write and withdraw.

from accounts.permissions import (  # noqa: E402
    is_operator_member,
    is_signed_in,
    is_staff_reader,
    is_territory_editor,
    is_territory_reader,
)


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
