"""Write the tagged table: CSV (UTF-8, the input's delimiter) or XLSX (xlsxwriter, constant memory),
into a temporary file beside the output, renamed over it only when every row is written (an interrupted
run leaves no half file).

Every text cell goes through ``core.exports.neutralize`` (CSV injection), except plain numbers: a
longitude « -4.48 » is no formula, and « '-4.48 » would no longer be read as a coordinate.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from core.exports import FORMULA_TRIGGERS, neutralize
from core.imports import refuse
from territories.services.tagging.reading import Lines

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


# A cell (after a NUL put before every cell) that starts with a trigger and is no plain number.
_NEEDS_NEUTRALIZING = re.compile(r"\x00(?=[=+\-@\t\r])(?![+-]?\d+(?:[.,]\d+)?(?:\x00|\Z))")


def neutralize_rows(rows: list[list]) -> list[list]:
    """``safe_row`` of each row, in place, for rows of text cells all of the same length: the rows are
    joined once into one string searched by one regular expression, and only the rows holding a cell
    to neutralise go through ``safe_row`` (measured: ~0.05 µs a cell instead of ~0.15). Rows of other
    values or lengths, or with a NUL in a cell (which would hide a cell's start), go row by row."""
    width = len(rows[0]) if rows else 0
    try:
        text = "\x00" + "\x00".join(chain.from_iterable(rows))
    except TypeError:  # not only text
        text = None
    cells = sum(map(len, rows))
    if text is None or cells != width * len(rows) or text.count("\x00") != cells:
        rows[:] = map(safe_row, rows)
        return rows
    cell = 0  # the cells before the match: the NULs before it
    previous = 0
    for match in _NEEDS_NEUTRALIZING.finditer(text):
        cell += text.count("\x00", previous, match.start())
        previous = match.start()
        row = cell // width
        rows[row] = safe_row(rows[row])
    return rows


# The cells after a point's distance (its motif, empty).
TAIL = ("",)


@dataclass
class AddedCells:
    """The added cells of a list of rows, with no tuple per row: row r gets
    ``choices[kinds[r]]``, except the rows of ``others`` ((row, cells)) and the rows ``near_rows``,
    outside every territory, which get ``heads[territory] + (km,) + tail``. Building a tuple for each
    of the ~48 % of points with a nearest territory, then looking each up by its hash (tuples keep
    none), took ~0.8 s for 1,000,000 points; a CSV writer needs only their text."""

    choices: list[tuple]
    kinds: list[int]
    others: list[tuple[int, tuple]] = field(default_factory=list)
    near_rows: list[int] = field(default_factory=list)
    near_territories: list[int] = field(default_factory=list)
    kms: list[float] = field(default_factory=list)
    heads: list[tuple] = field(default_factory=list)
    tail: tuple = TAIL

    def tuples(self) -> list[tuple]:
        extras = list(map(self.choices.__getitem__, self.kinds))
        for row, extra in self.others:
            extras[row] = extra
        heads, tail = self.heads, self.tail
        for row, territory, km in zip(self.near_rows, self.near_territories, self.kms, strict=True):
            extras[row] = (*heads[territory], km, *tail)
        return extras


class TableWriter:
    """Rows in, a file out: ``write(row)`` for each row, then ``finish()``, or ``abort()``."""

    def __init__(
        self, path: str | Path, header: list[str] | None, delimiter: str = ";", bom: bool = False
    ):
        """``header`` None: a CSV of rows alone, appended to another writer's (``append_file``).
        ``bom``: a CSV opened in a spreadsheet by people (Excel reads UTF-8 without it as ANSI)."""
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
            self.stream = self.temporary.open(
                "w", encoding="utf-8-sig" if bom else "utf-8", newline=""
            )
            self.writer = csv.writer(self.stream, delimiter=delimiter, lineterminator="\r\n")
            # write_tagged's: the input cells of a list of rows, one per line, then split.
            self.buffer = io.StringIO()
            self.lines = csv.writer(self.buffer, delimiter=delimiter, lineterminator="\n")
            self.delimiter = delimiter
            self.suffixes: dict[tuple, str] = {}  # added cells -> their text
            self.cells: dict = {}  # a text cell, or a tuple of them -> its text in the file
            if header is not None:
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

    def write_tagged(self, rows: list[list] | Lines, extras: list[tuple] | AddedCells) -> None:
        """Rows (through ``neutralize_rows``) or ``Lines``, and the added cells of each (safe already,
        a tuple per row or ``AddedCells``).

        For a CSV, the input cells are written by the csv module and each row's added cells appended
        as text, encoded once per distinct tuple of added cells (a territory's, a motif's…): writing
        the eight or nine cells of a row with the csv module took ~2 µs, more than the rest of the
        work; the line of its own input cells and a look-up take ~0.5 µs."""
        if extras.__class__ is AddedCells and self.kind == "xlsx":
            extras = extras.tuples()
        if self.kind == "xlsx":
            if rows.__class__ is Lines:  # (write() neutralises each cell)
                rows = [line.split(rows.delimiter) for line in rows.lines]
            for row, extra in zip(rows, extras, strict=True):
                row.extend(extra)
                self.write(row)
            return
        self.rows += len(rows)
        if rows.__class__ is Lines:  # plain lines: written as they were read
            lines = rows.lines
            if rows.formulas:
                lines = list(lines)
                delimiter = rows.delimiter
                for at in rows.formulas:
                    lines[at] = delimiter.join(safe_row(lines[at].split(delimiter)))
            self._write_lines(lines, self._ends(extras))
            return
        buffer = self.buffer
        buffer.seek(0)
        buffer.truncate()
        self.lines.writerows(rows)
        text = buffer.getvalue()
        if text.count("\n") != len(rows):  # a cell holds a line break: row by row
            deque(map(list.extend, rows, extras), maxlen=0)
            self.writer.writerows(rows)
            return
        lines = text.split("\n")
        lines.pop()
        self._write_lines(lines, self._ends(extras))

    def _ends(self, extras: list[tuple] | AddedCells) -> list[str]:
        """The text of each row's added cells (``_suffix``), looked up by the tuple of its cells."""
        if extras.__class__ is AddedCells:
            return self._added_ends(extras)
        suffixes = self.suffixes
        if len(suffixes) > 100_000:  # one per distance and territory at most: bounded anyway
            suffixes.clear()
        ends = list(map(suffixes.get, extras))
        if None in ends:
            for at, end in enumerate(ends):
                if end is None:
                    extra = extras[at]
                    end = suffixes.get(extra)  # met earlier in this list
                    if end is None:
                        end = suffixes[extra] = self._suffix(extra)
                    ends[at] = end
        return ends

    def _added_ends(self, added: AddedCells) -> list[str]:
        """``_ends`` of AddedCells: each distinct tuple encoded once (``_suffix``), and a point's
        text with a distance made of the texts before and after it (``_suffix``'s own)."""
        texts = self._ends(added.choices)
        ends = list(map(texts.__getitem__, added.kinds))
        for row, extra in added.others:
            ends[row] = self._ends([extra])[0]
        if added.near_rows:
            befores = {t: self._before(added.heads[t]) for t in set(added.near_territories)}
            after = self._after(added.tail)
            near = map(
                str.__add__,
                map(befores.__getitem__, added.near_territories),
                map(repr, added.kms),
            )
            for row, text in zip(added.near_rows, near, strict=True):
                ends[row] = text + after + "\r\n"
        return ends

    def _write_lines(self, lines: list[str], ends: list[str]) -> None:
        """Each line followed by its end, in one string: interleaved by two slice assignments (measured
        ~0.02 s for 1,000,000 lines, ~0.08 s by map(str.__add__))."""
        parts = [""] * (2 * len(lines))
        parts[::2] = lines
        parts[1::2] = ends
        self.stream.write("".join(parts))

    def _suffix(self, extra: tuple) -> str:
        """The text of added cells after a row's own: a delimiter before each cell, then the line
        end; each text cell encoded once by the csv module (quoted if it must), a number by repr()
        as the csv module writes it. A point's distance makes most tuples distinct: the text of the
        cells before it and after it is kept apart (measured: ~1 µs a row instead of ~6)."""
        if len(extra) == 6 and extra[4].__class__ is float:
            return self._before(extra[:4]) + repr(extra[4]) + self._after(extra[5:]) + "\r\n"
        return self._encode(extra) + "\r\n"

    def _before(self, head: tuple) -> str:
        """The text of the added cells before a distance, and the delimiter after them (kept)."""
        before = self.cells.get(head)
        if before is None:
            before = self.cells[head] = self._encode(head) + self.delimiter
        return before

    def _after(self, tail: tuple) -> str:
        """The text of the added cells after a distance (kept)."""
        after = self.cells.get(tail)
        if after is None:
            after = self.cells[tail] = self._encode(tail)
        return after

    def _encode(self, cells: tuple) -> str:
        """A delimiter before each cell: float cells by repr(), text cells by the csv module."""
        parts = [""]
        for cell in cells:
            if cell.__class__ is float:
                parts.append(repr(cell))
                continue
            encoded = self.cells.get(cell)
            if encoded is None:
                buffer = self.buffer
                buffer.seek(0)
                buffer.truncate()
                self.lines.writerow(["", cell])  # two cells: an empty one alone is written '""'
                encoded = self.cells[cell] = buffer.getvalue()[1:-1]
            parts.append(encoded)
        return self.delimiter.join(parts)

    def append_file(self, path: Path) -> None:
        """The rows of a CSV another writer wrote with no header (``header`` None), as they are."""
        self.stream.flush()
        with path.open("rb") as rows:
            shutil.copyfileobj(rows, self.stream.buffer, 1024 * 1024)

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
