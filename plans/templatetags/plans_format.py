"""French plural for templates: Django's ``pluralize`` writes « 0 actions », French says « 0 action »."""

from django import template

register = template.Library()


@register.filter
def pluriel(count, suffix: str = "s") -> str:
    """« s » (or ``suffix``) from 2 on: French treats 0 and 1 as singular."""
    try:
        return suffix if abs(int(count)) > 1 else ""
    except (TypeError, ValueError):
        return ""
