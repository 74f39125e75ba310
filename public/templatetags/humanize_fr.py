"""French number formatting for the public pages."""

from django import template

from core.templatetags.french import pluriel

register = template.Library()


@register.filter
def number_fr(value) -> str:
    """12345678 -> "12 345 678" (narrow no-break spaces, as the French typography wants)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    return f"{number:,}".replace(",", "\u202f")


@register.filter
def percent_fr(value) -> str:
    """0.4567 -> "46 %"."""
    try:
        return f"{round(float(value) * 100)}\u00a0%"
    except (TypeError, ValueError):
        return ""


# One implementation of the French plural (core), offered under this library too.
register.filter("pluriel", pluriel)
