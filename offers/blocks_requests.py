"""The « Demandes de service » blocks on the plans' pages (core/blocks.py): on an action's page and on
the plan's page, the requests the person may read and, for the territory's editors, the button
« Demander un service »."""

from __future__ import annotations

from core.blocks import register_block
from offers import selectors


def action_requests_context(request, action) -> dict | None:
    if request is None or action is None:
        return None
    territory = action.plan.territory
    return {
        "action": action,
        "territory": territory,
        "requests": selectors.mark_details(
            request.user, selectors.requests_of_action(request.user, action)
        ),
        "can_request": not action.archived
        and request.user.has_perm("offers.request_service", territory),
    }


def plan_requests_context(request, territory) -> dict | None:
    if request is None or territory is None:
        return None
    return {
        "territory": territory,
        "requests": selectors.mark_details(
            request.user, selectors.requests_of_territory(request.user, territory)[:50]
        ),
        "can_request": request.user.has_perm("offers.request_service", territory),
    }


def register() -> None:
    register_block(
        "plans.action_detail",
        "offers/requests/includes/action_block.html",
        action_requests_context,
        order=20,
    )
    register_block(
        "plans.plan_detail",
        "offers/requests/includes/plan_block.html",
        plan_requests_context,
        order=20,
    )
