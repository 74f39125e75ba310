"""The « Services suggérés » block on the action page (slot ``plans.action_detail``, core/blocks.py)."""

from __future__ import annotations

from core.blocks import register_block


def suggestions_context(request, action) -> dict | None:
    """Shown to whoever may read the plan; the dismiss buttons only to its project lead."""
    from offers.services.suggestions import suggestions_for

    user = request.user
    if not user.has_perm("offers.view_suggestions", action):
        return None
    return {
        "action": action,
        "suggestions": suggestions_for(action),
        "can_dismiss": user.has_perm("offers.dismiss_suggestion", action),
        "can_request": user.has_perm("offers.request_service", action.plan.territory),
        "territory": action.plan.territory,
    }


def register() -> None:
    register_block("plans.action_detail", "offers/blocks/suggestions.html", suggestions_context)
