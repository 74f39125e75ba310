"""Write the tagged table: CSV (UTF-8, the input's delimiter) or XLSX (xlsxwriter, constant memory),
into a temporary file beside the output, renamed over it only when every row is written (an interrupted
run leaves no half file).

Every text cell goes through ``core.exports.neutralize`` (CSV injection), except plain numbers: a
longitude « -4.48 » is no formula, and « '-4.48 » would no longer be read as a coordinate.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from core.exports import FORMULA_TRIGGERS, neutralize
from core.imports import refuse

# Excel's last row is 1,048,576: the header and 1,048,575 data rows.
XLSX_MAX_DATA_ROWS = 1_048_575
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def output_kind(path: str | Path) -> str:
    return "xlsx" if Path(path).suffix.lower() == ".xlsx" else "csv"


_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def safe(value):
    # The first character is looked at first: a million rows of five cells went from 6.8 s to ~1 s.
    if isinstance(value, str) and value[:1] in _TRIGGERS and not _PLAIN_NUMBER.match(value):
        return neutralize(value)
    return value


def safe_row(row: list) -> list:
    """A CSV row: text cells neutralised (formulas), numbers (the distance) as they are."""
    return [
        neutralize(v)
        if v.__class__ is str and v[:1] in _TRIGGERS and not _PLAIN_NUMBER.match(v)
        else v
        for v in row
    ]


class TableWriter:
    """Rows in, a file out: ``write(row)`` for each row, then ``finish()``, or ``abort()``."""

    def __init__(self, path: str | Path, header: list[str], delimiter: str = ";"):
        self.path = Path(path)
        self.kind = output_kind(path)
        self.rows = 0
        handle, temporary = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".partiel", dir=self.path.parent or "."
        )
        os.close(handle)
        self.temporary = Path(temporary)
        if self.kind == "xlsx":
            import xlsxwriter

            self.workbook = xlsxwriter.Workbook(
                str(self.temporary),
                {
                    "constant_memory": True,
                    "strings_to_numbers": False,
                    "strings_to_formulas": False,
                    "strings_to_urls": False,
                },
            )
            self.sheet = self.workbook.add_worksheet("Étiquetage")
            self.sheet.write_row(0, 0, [safe(cell) for cell in header])
        else:
            self.stream = self.temporary.open("w", encoding="utf-8", newline="")
            self.writer = csv.writer(self.stream, delimiter=delimiter, lineterminator="\r\n")
            self.writer.writerow([safe(cell) for cell in header])

    def write(self, row: list) -> None:
        self.rows += 1
        if self.kind == "xlsx":
            if self.rows > XLSX_MAX_DATA_ROWS:
                raise refuse(
                    self.path.name,
                    f"un fichier XLSX contient au plus {XLSX_MAX_DATA_ROWS:,} lignes de données : "
                    f"l'entrée en a davantage".replace(",", " "),
                    expected="une sortie en CSV (nom de fichier en .csv), sans limite de lignes",
                )
            for column, value in enumerate(row):
                if isinstance(value, float):
                    self.sheet.write_number(self.rows, column, value)
                elif value != "":
                    self.sheet.write_string(self.rows, column, safe(value))
        else:
            self.writer.writerow(safe_row(row))

    def write_all(self, rows: Iterable[list]) -> None:
        if self.kind == "xlsx":
            for row in rows:
                self.write(row)
            return
        # The csv module's own loop: one Python call per row fewer than write() (~1 µs of 6).
        start = self.rows

        def counted():
            for self.rows, row in enumerate(rows, start + 1):  # noqa: B020
                yield safe_row(row)

        self.writer.writerows(counted())

    def finish(self) -> None:
        self._close()
        os.replace(self.temporary, self.path)

    def abort(self) -> None:
        try:
            self._close()
        finally:
            self.temporary.unlink(missing_ok=True)

    def _close(self) -> None:
        if self.kind == "xlsx":
            if self.workbook is not None:
                self.workbook.close()
                self.workbook = None
        elif not self.stream.closed:
            self.stream.close()
