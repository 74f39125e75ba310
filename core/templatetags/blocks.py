"""``{% page_blocks "slot" obj %}``: renders the blocks other apps registered for a slot (core/blocks.py)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.blocks import blocks_for

register = template.Library()


@register.simple_tag(takes_context=True)
def page_blocks(context, slot: str, obj=None) -> str:
    request = context.get("request")
    parts = []
    for block in blocks_for(slot):
        block_context = block.context(request, obj)
        if block_context is not None:
            parts.append(render_to_string(block.template_name, block_context, request=request))
    # Each piece was rendered by the template engine, which escaped its variables.
    return mark_safe("".join(parts))
