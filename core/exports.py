"""What every CSV and XLSX the platform writes goes through: spreadsheet formulas neutralised.

Text beginning with one of ``FORMULA_TRIGGERS`` is run as a formula by spreadsheet software (CSV
injection, e.g. ``=HYPERLINK(`` or ``=cmd|' /C calc'!A0``): exports prefix it with an apostrophe, which
the platform's imports remove again. Every export writes its rows through ``neutralize_row`` (or
``neutralize`` per cell); ``core/tests/test_exports.py`` checks each export of the site.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unneutralize(text: str) -> str:
    return (
        text[1:]
        if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS)
        else text
    )


def neutralize_row(values: Iterable[Any]) -> list[Any]:
    """A row ready for csv.writer or a spreadsheet: text neutralised, other values unchanged."""
    return [neutralize(value) if isinstance(value, str) else value for value in values]
