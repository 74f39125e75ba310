"""Read the table to tag, row by row, whatever its size: CSV (any delimiter, the encodings French files
come in) or XLSX.

Nothing here holds the whole file: a CSV is decoded as a stream (its encoding chosen by one pass over the
bytes in 1 MB chunks, ~0.1 s for 50 MB, before any row is written), an XLSX is checked by
``core.xlsx_guard`` before python-calamine opens it. The import row caps (IMPORT_MAX_ROWS) do not apply:
tagging a million rows is what this is for.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain, islice, repeat
from pathlib import Path

from core.exports import FORMULA_TRIGGERS
from core.imports import (
    _BOMS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    ZIP_MAGIC,
    ImportRefused,
    csv_rows,
    decode_text,
    refuse,
)

DELIMITERS = (";", ",", "\t", "|")
# A one-column file has no delimiter to sniff: French spreadsheets write « ; ».
DEFAULT_DELIMITER = ";"
CHUNK = 1024 * 1024
HEAD_BYTES = 64 * 1024
# The most rows an XLSX sheet holds (Excel's own limit, header included).
XLSX_MAX_ROWS = 1_048_576
TEXT_EXPECTED = "un fichier texte en UTF-8, UTF-16 (avec BOM) ou Windows-1252"


@dataclass
class Table:
    """A table being read: its header, its rows (an iterator of lists of cells) and how it was written."""

    name: str
    header: list[str]
    rows: Iterator[list]
    kind: str = "csv"  # "csv" or "xlsx"
    delimiter: str = DEFAULT_DELIMITER
    encoding: str = "utf-8"
    closers: list = field(default_factory=list)
    # The rows in lists of ``size`` rows at most, read by the csv module's own loop (for a CSV): the
    # same rows as ``rows`` (use one or the other).
    chunker: Callable[[int], Iterator[list]] | None = None
    # The same rows again, where a list of plain lines comes as ``Lines`` (a CSV only).
    line_chunker: Callable[[int], Iterator[list | Lines]] | None = None

    def chunks(self, size: int) -> Iterator[list[list]]:
        if self.chunker is not None:
            return self.chunker(size)
        return chunked(self.rows, size)

    def line_chunks(self, size: int) -> Iterator[list[list] | Lines]:
        """``chunks``, except that a list of rows that are plain lines comes as their text, ``Lines``,
        for a writer that copies them as they are (``TableWriter.write_tagged``)."""
        if self.line_chunker is not None:
            return self.line_chunker(size)
        return self.chunks(size)

    def close(self) -> None:
        for closer in self.closers:
            closer()


def open_table(path: str | Path, name: str | None = None) -> Table:
    """The table of a CSV or XLSX file (told apart by their content, not their extension)."""
    path = Path(path)
    name = name or path.name
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
    except FileNotFoundError as error:
        raise refuse(name, "fichier introuvable") from error
    except IsADirectoryError as error:
        raise refuse(name, "c'est un dossier, pas un fichier") from error
    if not head:
        raise refuse(name, "fichier vide", expected="une ligne d'en-tête puis des lignes")
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(path, name)
    return _open_csv(path, name, head)


# --- CSV -------------------------------------------------------------------------------------------------


def detect_encoding(path: Path, name: str, head: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (by its BOM) or Windows-1252, as core.imports.decode_text
    decides for a whole file, but reading the file in chunks instead of holding it."""
    candidates = [encoding for bom, encoding in _BOMS if head.startswith(bom)][:1]
    if not candidates:
        # decode_text's refusals (a binary file, bytes in none of the encodings) on the first bytes;
        # the head is cut at its last line end so that a character split by the cut is not taken for
        # an error.
        cut = head.rfind(b"\n")
        decode_text(head[: cut + 1] if cut >= 0 and len(head) == HEAD_BYTES else head, name)
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    label = "UTF-16" if candidates == ["utf-16"] else "UTF-8" if candidates == ["utf-8-sig"] else ""
    raise refuse(
        name,
        f"encodage non reconnu : ce fichier n'est pas du texte en {label}"
        if label
        else "encodage non reconnu : ce fichier n'est du texte ni en UTF-8 ni en Windows-1252",
        expected=TEXT_EXPECTED,
    )


def sniff_delimiter(first_line: str) -> str:
    """The candidate found most often in the header line (outside quotes); « ; » when there is none."""
    counts = {}
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        counts[delimiter] = len(cells) - 1
    best = max(counts, key=lambda d: counts[d], default=DEFAULT_DELIMITER)
    return best if counts.get(best) else DEFAULT_DELIMITER


def _open_csv(path: Path, name: str, head: bytes) -> Table:
    encoding = detect_encoding(path, name, head)
    stream = path.open("r", encoding=encoding, newline="")
    try:
        first_line = stream.readline()
        stream.seek(0)
        delimiter = sniff_delimiter(first_line.lstrip("\ufeff").rstrip("\r\n"))
        csv.field_size_limit(MAX_CELL_CHARS)
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        numbered = csv_rows(reader, name, row_limit=sys.maxsize)
        header = _header(next(numbered, (1, []))[1], name)
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
    except (ImportRefused, UnicodeError):
        stream.close()
        raise
    rows = (cells for _, cells in numbered)

    def replay(skip: int) -> Iterator[list]:
        return _replay(path, name, encoding, delimiter, skip)

    def chunker(size: int) -> Iterator[list]:
        return _csv_chunks(reader, size, replay)

    def line_chunker(size: int) -> Iterator[list | Lines]:
        return _line_chunks(stream, delimiter, len(header), size, replay)

    table = Table(name, header, rows, "csv", delimiter, encoding, [stream.close], chunker)
    table.line_chunker = line_chunker
    return table


def chunked(rows, size: int) -> Iterator[list]:
    """Lists of ``size`` items at most of an iterator."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def _csv_chunks(reader, size: int, replay, done: int = 1) -> Iterator[list]:
    """The data rows of a csv.reader (past its header) in lists, read without a Python call per row
    (~0.3 µs a row instead of ~1.5 through ``csv_rows``). A row ``csv_rows`` would refuse (csv.Error,
    too many columns) has its line number only in ``csv_rows``: the file is then read again by it, and
    its rows up to the refused one come out before its error, exactly as row by row."""
    while True:  # done: the rows read before, header included
        try:
            chunk = list(islice(reader, size))
        except csv.Error:
            yield from replay(done)
            return
        if not chunk:
            return
        if max(map(len, chunk)) > MAX_COLUMNS:
            yield from replay(done)
            return
        done += len(chunk)
        yield chunk


class Lines:
    """Data rows read as the text of their lines (no line end): every line holds exactly ``width``
    cells, and none holds a quote, a NUL, a carriage return or a cell longer than MAX_CELL_CHARS; no
    line is blank. Such a line is what the csv module would write back for its cells: a CSV writer
    copies it as it is, except the lines of ``formulas`` (their positions in ``lines``), which may hold
    a cell a spreadsheet would run as a formula: their cells go through ``writing.safe_row`` first."""

    __slots__ = ("delimiter", "formulas", "lines", "width")

    def __init__(self, lines: list[str], delimiter: str, width: int, formulas: list[int] = ()):
        self.lines, self.delimiter, self.width = lines, delimiter, width
        self.formulas = formulas

    def __len__(self) -> int:
        return len(self.lines)

    def cells(self) -> list[str]:
        """Every cell, row after row (``width`` cells a row): one join and one split for the list."""
        return self.delimiter.join(self.lines).split(self.delimiter)

    def column(self, position: int, cells: list[str] | None = None) -> list[str]:
        if self.width == 1:
            return self.lines
        return (self.cells() if cells is None else cells)[position :: self.width]


def _formula_finders(delimiter: str) -> list:
    """For each formula trigger, a pattern finding a cell that starts with it after a delimiter or a
    line end (``text``: the lines with their ends), a plain number excepted (« -4.48 »): the literal
    prefix makes each a fast search, and it runs only when its trigger is in the text at all."""
    # (Measured on 1,000,000 points: one longitude in 100,000 is written « -9.6e-05 », no plain number
    # for core.exports: it is neutralised, and half the lists of 100,000 rows held one.)
    finders = []
    for trigger in FORMULA_TRIGGERS:
        if trigger in (delimiter, "\r"):  # no cell starts with the delimiter; no CR is left
            continue
        # (The trigger is the number's sign: « --4 » is no plain number for ``writing.safe``.)
        number = r"(?!\d+(?:[.,]\d+)?(?:" + re.escape(delimiter) + r"|\r|\n|\Z))"
        after = re.escape(trigger) + (number if trigger in "+-" else "")
        # One pattern per separator: a literal prefix is searched 3.6x faster than "(?:;|\n)".
        for separator in (delimiter, "\n"):
            finders.append((trigger, re.compile(re.escape(separator) + after)))
    return finders


def _formula_lines(text: str, finders: list) -> list[int]:
    """The positions of the lines of ``text`` that may hold a formula (a few more is no harm:
    ``safe_row`` decides): found by the patterns, counted by the line ends before each match."""
    starts = []
    for trigger, pattern in finders:
        if trigger in text:
            starts += [match.start() + 1 for match in pattern.finditer(text)]
    found = [0] if text[:1] in FORMULA_TRIGGERS else []
    line = previous = 0
    for start in sorted(starts):  # the line ends up to the match's first cell character
        line += text.count("\n", previous, start)
        previous = start
        found.append(line)
    return sorted(set(found))


def _split_lines(text: str, count: int) -> list[str] | None:
    """The ``count`` lines of ``text`` without their ends, all CR LF or all LF (None for a lone CR or
    a mix: the csv module reads those). Each line read from the stream holds one line end at most, at
    its end: the file's lines all end with CR LF when the text holds one per ended line."""
    ended = count if text[-1] in "\r\n" else count - 1
    end = "\r\n" if "\r" in text else "\n"
    lines = text.split(end)
    if len(lines) - 1 != ended:
        return None
    if ended == count:
        lines.pop()  # the empty text after the last line end
    return lines


def _line_chunks(stream, delimiter: str, width: int, size: int, replay) -> Iterator[list | Lines]:
    """The data rows of a CSV stream (past its header) in lists of ``size`` rows at most: a list of
    plain lines as ``Lines`` (no csv parsing: one join and one split; measured ~0.35 s of processor
    for 1,000,000 commune codes read, looked up and written, instead of ~1.1 s), a list of lines
    holding a blank line, a short or long row or a formula as lists of cells (split: the csv module's
    cells, as there is no quote). From the first list holding a quote, a NUL, a lone carriage return or
    a line longer than a cell may be, the csv module reads the rest of the file (``_csv_chunks``): a
    quoted cell may hold a line break, and the csv module's errors are the ones reported."""
    finders = _formula_finders(delimiter)
    separators = width - 1
    blank = delimiter * separators
    done = 1  # rows read, header included
    while True:
        raw = list(islice(stream, size))
        if not raw:
            return
        text = "".join(raw)
        plain = '"' not in text and "\x00" not in text
        if plain:
            lines = _split_lines(text, len(raw))
            plain = lines is not None and (
                len(text) <= MAX_CELL_CHARS or max(map(len, lines)) <= MAX_CELL_CHARS
            )
        if not plain:
            reader = csv.reader(chain(raw, stream), delimiter=delimiter, strict=True)
            yield from _csv_chunks(reader, size, replay, done)
            return
        done += len(lines)
        counts = list(map(str.count, lines, repeat(delimiter)))
        regular = counts.count(separators) == len(lines)
        if not regular and max(counts) >= MAX_COLUMNS:
            yield from replay(done - len(lines))
            return
        if regular and blank not in lines:
            yield Lines(lines, delimiter, width, _formula_lines(text, finders))
        else:
            yield [line.split(delimiter) if line else [] for line in lines]


def _replay(path: Path, name: str, encoding: str, delimiter: str, skip: int) -> Iterator[list]:
    with path.open("r", encoding=encoding, newline="") as stream:
        numbered = csv_rows(
            csv.reader(stream, delimiter=delimiter, strict=True), name, row_limit=sys.maxsize
        )
        rows = []
        try:
            for position, (_, cells) in enumerate(numbered):
                if position >= skip:
                    rows.append(cells)
        except ImportRefused as refused:
            error = refused
        else:  # the file changed under the command
            error = refuse(name, "fichier modifié pendant sa lecture")
    if rows:
        yield rows
    raise error


def _header(cells: list, name: str) -> list[str]:
    header = [_text(cell).strip() for cell in cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise refuse(name, "ligne d'en-tête vide", row=1, expected="les noms des colonnes")
    return header


# --- XLSX ------------------------------------------------------------------------------------------------


def _open_xlsx(path: Path, name: str) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    from core.xlsx_guard import check_workbook

    # The guard runs BEFORE calamine opens the file: opening already loads the shared strings (a 311 KB
    # XLSX holding one 300 MB string took 910 MB of memory when the guard came after). It bounds what
    # calamine will allocate: sheets of Excel's size at most, no cell beyond MAX_COLUMNS, no text run
    # over MAX_CELL_CHARS, at most 256 MB of XML (a million rows of five short cells are ~100 MB); with
    # no sheet name it checks every sheet, the first one among them.
    check_workbook(path, name, "", XLSX_MAX_ROWS - 1)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet_name = workbook.sheet_names[0]
    except (CalamineError, IndexError, ValueError, OSError) as error:
        raise refuse(name, "classeur illisible", expected="un classeur XLSX valide") from error
    try:
        sheet = workbook.get_sheet_by_name(sheet_name)
    except CalamineError as error:
        raise refuse(name, "feuille illisible", expected="un classeur XLSX valide") from error
    rows = sheet.iter_rows()
    header = _header(next(rows, []), name)
    if len(header) > MAX_COLUMNS:
        raise refuse(name, f"trop de colonnes : la limite est de {MAX_COLUMNS}")

    def cells():
        for row in rows:
            yield [_text(cell) for cell in row]

    return Table(name, header, cells(), "xlsx", DEFAULT_DELIMITER, "xlsx", [workbook.close])


def _text(value) -> str:
    """A spreadsheet cell as the text a person sees: 1001.0 -> "1001", a date in ISO format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
