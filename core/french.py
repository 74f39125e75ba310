"""French plurals. Django's ``ngettext`` with no French catalogue follows the English rule (« 0 actions »);
French treats 0 and 1 as singular (« 0 action », « 1 action », « 2 actions »). Templates use the
``pluriel`` filter (core/templatetags/french.py), Python uses ``quantity``: the same rule."""

from __future__ import annotations


def is_plural(count) -> bool:
    return abs(count) >= 2


def quantity(count: int, singular: str, plural: str) -> str:
    """quantity(3, "action créée", "actions créées") -> "3 actions créées"."""
    return f"{count} {plural if is_plural(count) else singular}"
