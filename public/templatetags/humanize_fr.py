"""French number formatting for the public pages."""

from django import template

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


@register.filter
def pluriel(value, forms: str = "s") -> str:
    """French plural ending: like Django's ``pluralize``, but 0 and 1 take the singular
    ("0 territoire", "1 commune", "2 communes"). ``forms`` is "plural" or "singular,plural"."""
    singular, _, plural = forms.rpartition(",") if "," in forms else ("", "", forms)
    try:
        many = abs(float(len(value) if hasattr(value, "__len__") else value)) >= 2
    except (TypeError, ValueError):
        return ""
    return plural if many else singular
