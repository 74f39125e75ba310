"""Cell types of the plan spreadsheet: how one value is read from a cell and written to it.

A cell type turns what XLSX (str, int, float, datetime, bool, None) or CSV (str) gives into a Python
value, raising ``CellError`` with what was expected; and turns the Python value back into a cell.
Written values are native (dates, Decimals) for XLSX; ``to_csv_text`` flattens them for CSV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from core.exports import neutralize, unneutralize
from core.imports import cell_text
from geo.text import normalize_search


class CellError(ValueError):
    def __init__(self, message: str, expected: str):
        super().__init__(message)
        self.message = message
        self.expected = expected


@lru_cache(maxsize=4096)
def _normalized(text: str) -> str:
    """normalize_search for Choice and Boolean cells. Per cell it was a measurable share of an import (tens
    of thousands of cells, a handful of distinct texts): the result is kept per distinct text."""
    return normalize_search(text)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# The cell as text, numbers without a spurious ".0" (Excel stores 59350 as 59350.0): the table reader's.
raw_text = cell_text


class CellType:
    expected = ""

    def parse(self, raw: Any) -> Any:
        """Never called with a blank cell (the column handles blanks)."""
        raise NotImplementedError

    def format(self, value: Any) -> Any:
        return value

    def blank(self) -> Any:
        return None


@dataclass
class Text(CellType):
    max_length: int | None = None
    expected: str = "un texte"

    def parse(self, raw):
        text = unneutralize(raw_text(raw)).replace("\r\n", "\n")
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                f"texte trop long ({len(text)} caractères)", f"au plus {self.max_length} caractères"
            )
        return text

    def format(self, value):
        return neutralize(value) if value else None

    def blank(self):
        return ""


class Digits(Text):
    """Identifiers made of digits (SIRET): spaces removed, Excel's numbers turned back into text."""

    def parse(self, raw):
        return re.sub(r"\s+", "", super().parse(raw))


@dataclass
class Choice(CellType):
    """A value of a TextChoices list, written with its label; the code is accepted too."""

    choices: Any = None

    def __post_init__(self):
        self.by_key = {}
        for code, label in self.choices.choices:
            self.by_key[normalize_search(code)] = code
            self.by_key[normalize_search(label)] = code
        self.labels = [label for _, label in self.choices.choices]
        self.expected = "une valeur de la liste : " + ", ".join(
            f"« {label} »" for label in self.labels
        )

    def parse(self, raw):
        code = self.by_key.get(_normalized(raw_text(raw)))
        if code is None:
            raise CellError("valeur hors liste", self.expected)
        return code

    def format(self, value):
        return self.choices(value).label if value else None

    def blank(self):
        return ""


@dataclass
class Number(CellType):
    decimal_places: int = 2
    maximum: Decimal = Decimal("1e12")

    @property
    def expected(self):
        return f"un nombre positif ou nul, au plus {self.decimal_places} décimales, par exemple 1250000,50"

    def parse(self, raw):
        if isinstance(raw, bool):
            raise CellError("nombre attendu", self.expected)
        if isinstance(raw, (int, float, Decimal)):
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        else:
            text = re.sub(r"[\s\u00a0\u202f€]", "", raw_text(raw)).replace(",", ".")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise CellError("nombre illisible", self.expected) from None
        if not value.is_finite() or value < 0 or value >= self.maximum:
            raise CellError("nombre hors limites", self.expected)
        if value != value.quantize(Decimal(1).scaleb(-self.decimal_places)):
            raise CellError("trop de décimales", self.expected)
        return value.normalize() + 0  # "+ 0" turns -0 and 1E+3 into plain numbers


_WHOLE_NUMBER = Number(decimal_places=0, maximum=Decimal(2**31))


class Integer(CellType):
    expected = "un nombre entier positif ou nul, par exemple 25"

    def parse(self, raw):
        value = _WHOLE_NUMBER.parse(raw) if not isinstance(raw, bool) else None
        if value is None:
            raise CellError("nombre entier attendu", self.expected)
        return int(value)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class Date(CellType):
    expected = "une date AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2025-03-31"

    def parse(self, raw):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        return parse_date_text(raw_text(raw), self.expected)


def parse_date_text(text: str, expected: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CellError("date illisible", expected)


class Boolean(CellType):
    expected = "« oui » ou « non »"
    TRUE = {"oui", "o", "x", "vrai", "true", "1", "yes"}
    FALSE = {"non", "n", "faux", "false", "0", "no"}

    def parse(self, raw):
        if isinstance(raw, bool):
            return raw
        key = _normalized(raw_text(raw))
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise CellError("valeur illisible", self.expected)

    def format(self, value):
        return "oui" if value else "non"

    def blank(self):
        return False


class CodeList(CellType):
    """Communes concerned, as INSEE codes separated by « ; »."""

    expected = "des codes INSEE de communes séparés par « ; », par exemple 59350; 59009"
    CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")

    def parse(self, raw):
        codes = [code.upper() for code in re.split(r"[;,\s]+", raw_text(raw)) if code]
        for code in codes:
            if not self.CODE.match(code):
                raise CellError(f"code INSEE invalide « {code} »", self.expected)
        return tuple(sorted(set(codes)))

    def format(self, value):
        return "; ".join(value) if value else None

    def blank(self):
        return ()


class DatedValues(CellType):
    """An indicator's measures: « AAAA-MM-JJ : valeur » separated by « ; »."""

    expected = "des mesures « AAAA-MM-JJ : valeur » séparées par « ; », par exemple 2024-12-31 : 12; 2025-12-31 : 20"
    _number = Number(decimal_places=4, maximum=Decimal("1e12"))

    def parse(self, raw):
        measures = {}
        for item in raw_text(raw).split(";"):
            if not item.strip():
                continue
            when, sep, value = item.partition(":")
            if not sep:
                raise CellError(f"mesure sans « : » (« {item.strip()} »)", self.expected)
            try:
                measure_date = parse_date_text(when, self.expected)
                measures[measure_date] = self._number.parse(value.strip())
            except CellError as error:
                raise CellError(
                    f"mesure illisible « {item.strip()} » : {error.message}", self.expected
                ) from None
        return tuple(sorted(measures.items()))

    def format(self, value):
        return (
            "; ".join(f"{d.isoformat()} : {format_decimal(v)}" for d, v in value) if value else None
        )

    def blank(self):
        return ()


_NOTE_START = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})\s*:\s?(.*)$")


class Notes(CellType):
    """Dated notes de suivi, one per line beginning « AAAA-MM-JJ : »; other lines continue the note above."""

    expected = "des notes, chacune commençant par « AAAA-MM-JJ : » en début de ligne"

    def parse(self, raw):
        notes: list[list] = []
        for line in unneutralize(raw_text(raw)).replace("\r\n", "\n").split("\n"):
            match = _NOTE_START.match(line)
            if match:
                notes.append([parse_date_text(match.group(1), self.expected), match.group(2)])
            elif notes:
                notes[-1][1] += "\n" + line
            elif line.strip():
                raise CellError("la première note ne commence pas par une date", self.expected)
        # Sorted like action records (plans/services/records.py) so an unchanged cell compares equal.
        return tuple(sorted((when, text.strip()) for when, text in notes))

    def format(self, value):
        return (
            neutralize("\n".join(f"{d.isoformat()} : {text}" for d, text in value))
            if value
            else None
        )

    def blank(self):
        return ()


def format_decimal(value: Decimal) -> str:
    """French decimal comma, no exponent, no trailing zeros: 1250000.50 → « 1250000,5 »."""
    text = format(value.normalize() + 0, "f")
    return text.replace(".", ",")


def to_csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
