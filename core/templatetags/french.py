"""French plurals for templates: Django's ``pluralize`` writes « 0 actions », French says « 0 action »."""

from django import template

from core.french import is_plural

register = template.Library()


@register.filter
def pluriel(value, forms: str = "s") -> str:
    """French plural ending: like Django's ``pluralize``, but 0 and 1 take the singular
    ("0 territoire", "1 commune", "2 communes"). ``forms`` is "plural" or "singular,plural"."""
    singular, _, plural = forms.rpartition(",") if "," in forms else ("", "", forms)
    try:
        many = is_plural(float(len(value) if hasattr(value, "__len__") else value))
    except (TypeError, ValueError):
        return ""
    return plural if many else singular
