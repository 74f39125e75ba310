"""Page blocks: how a higher app shows something on a lower app's page without being imported by it.

The action page belongs to plans; the service offer (offers, above plans) adds its "services suggérés"
and "demandes de service" blocks to it. The higher app registers a block for a named slot at start-up
(in its ``AppConfig.ready``); the lower app's template renders the slot with ``{% page_blocks %}``
(core/templatetags/blocks.py). The arrow of imports still points down: plans never names offers.

    register_block("plans.action_detail", "offers/blocks/action_requests.html", action_requests_context)

Slots: ``plans.action_detail`` (the Action), ``plans.plan_detail`` (the Territory), and
``accounts.dashboard`` (the signed-in user: « Mon espace » links to the higher apps' pages).

``context(request, obj)`` returns the block's template context, or None to show nothing (for instance
to a person who may not see it): permission checks stay with the app that owns the block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Block:
    template_name: str
    context: Callable[[HttpRequest, Any], dict | None]
    order: int = 100


_BLOCKS: dict[str, list[Block]] = {}


def register_block(
    slot: str,
    template_name: str,
    context: Callable[[HttpRequest, Any], dict | None],
    order: int = 100,
) -> None:
    blocks = _BLOCKS.setdefault(slot, [])
    block = Block(template_name, context, order)
    if block not in blocks:  # ready() may run twice in tests
        blocks.append(block)
        blocks.sort(key=lambda b: b.order)


def blocks_for(slot: str) -> list[Block]:
    return list(_BLOCKS.get(slot, []))
