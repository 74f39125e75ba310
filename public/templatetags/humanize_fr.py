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


# One implementation of the French plural (core), offered under this library too.
register.filter("pluriel", pluriel)
