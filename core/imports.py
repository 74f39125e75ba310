"""What every import shares: its problems, its refusal, the bounds of what it reads, and its reader.

Every import (territories, plans, offers, contacts) reports a bad file the same way: a list of ``Problem``
(file, row, column, value found, what was expected) inside ``ImportRefused``, and nothing written. Every
reader bounds its work *before* it allocates: the file's size, its text encoding, its rows, columns and cell
length (the limits below, in French in each refusal). The XLSX guard lives in ``core.xlsx_guard``.

``read_table`` is the one reader of a spreadsheet upload (CSV or XLSX) for the plans, the offers catalogue
and the contacts directory. Two readers stay apart on purpose: the ANCT territory files
(territories/importers/readers.py: GeoJSON or CSV told apart by their content, 100,000 rows) and the tagging
of a user's file (territories/services/tagging/reading.py: streamed, any size, no row cap).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from core.french import quantity

# A value quoted in a message: at most this many characters, then « … ». A 200 MB cell echoed whole made a
# 200 MB error page (issue 8).
QUOTE_CHARS = 80
# The longest cell any reader accepts: the csv module's own default field limit (131,072). Excel itself stops
# at 32,767 characters per cell, so no genuine spreadsheet is refused by it.
MAX_CELL_CHARS = 131_072
# Columns of a sheet: the plan template has 76 with four financements and four indicators; 300 leaves room
# for twenty more groups of each and keeps a capped sheet's grid (rows × columns) within ~6 million cells.
MAX_COLUMNS = 300
# The largest file any import reads (web uploads are capped lower by their form): the ANCT GeoJSON files
# are about 2 MB, a 20,000-action plan XLSX about 8 MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
# At most this many problems are kept (and shown); the refusal says how many there were in all.
MAX_PROBLEMS = 500


def quote(value, limit: int = QUOTE_CHARS) -> str:
    """A value as text, cut to a short prefix: what a message may echo of what a person sent."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def max_rows() -> int:
    """The cap on the rows of one import (setting IMPORT_MAX_ROWS, docs/settings.md)."""
    return settings.IMPORT_MAX_ROWS


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None  # CSV line number (header = 1) or GeoJSON feature number (first = 1)
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    row_label: str = "ligne"

    def __post_init__(self):
        # Every message quotes at most a short prefix of what was sent.
        if self.value is not None and len(self.value) > QUOTE_CHARS:
            object.__setattr__(self, "value", quote(self.value))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        text = f"{', '.join(where)} : {self.message}"
        if self.value is not None:
            text += f" (valeur trouvée : « {self.value} »"
            text += f", attendu : {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (attendu : {self.expected})"
        return text

    def as_dict(self) -> dict:
        return {
            "fichier": self.file,
            "ligne": self.row,
            "colonne": self.column,
            "valeur": self.value,
            "attendu": self.expected,
            "message": self.message,
        }


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written.

    ``problems`` holds at most MAX_PROBLEMS of them; ``total`` counts them all.
    """

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.total = max(total or 0, len(problems))
        self.problems = problems[:MAX_PROBLEMS]
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(self.hidden_line)
        super().__init__("\n".join(lines))

    @property
    def hidden(self) -> int:
        return self.total - len(self.problems)

    @property
    def hidden_line(self) -> str:
        """« … et 3 autres problèmes (non affichés). » for the problems beyond MAX_PROBLEMS."""
        others = quantity(
            self.hidden, "autre problème (non affiché)", "autres problèmes (non affichés)"
        )
        return f"… et {others}."

    @property
    def headline(self) -> str:
        """The one-line verdict every screen and command shows above the problems."""
        count = quantity(self.total, "problème", "problèmes")
        return f"Import refusé : {count} ; rien n'a été modifié."

    def command_error(self, stderr) -> Exception:
        """For a management command: the problems on stderr, then the CommandError to raise (exit 1,
        the headline on stderr, no traceback)."""
        from django.core.management import CommandError

        for problem in self.problems:
            stderr.write(str(problem))
        if self.hidden:
            stderr.write(self.hidden_line)
        return CommandError(self.headline)


def refuse(file: str, message: str, expected: str | None = None, **where) -> ImportRefused:
    """One problem as a refusal: ``raise refuse(name, "…")``."""
    return ImportRefused([Problem(file, message, expected=expected, **where)])


# --- bounded reading -------------------------------------------------------------------------------------


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def read_bounded(source: str | Path | IO[bytes], name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file or stream, refused beyond ``limit`` without reading more than limit + 1."""
    if hasattr(source, "read"):
        raw = source.read(limit + 1)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except FileNotFoundError as error:
            raise refuse(name, "fichier introuvable") from error
        if size > limit:
            raise _too_big(name, size, limit)
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise _too_big(name, len(raw), limit)
    return raw


def _too_big(name: str, size: int, limit: int) -> ImportRefused:
    return refuse(
        name,
        f"fichier trop volumineux ({_size_text(size)} ou plus)",
        expected=f"un fichier de {_size_text(limit)} au plus",
    )


ZIP_MAGIC = b"PK\x03\x04"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(raw: bytes, name: str) -> str:
    """A text file's content: UTF-8 (with or without BOM), UTF-16 (by its BOM) or Windows-1252.

    Refuses, in French, a spreadsheet or archive renamed as text, a binary file, and bytes that are text in
    none of these encodings (0x81 is undefined in Windows-1252).
    """
    if raw.startswith(ZIP_MAGIC):
        raise refuse(
            name,
            "ce fichier est un classeur (XLSX, ODS) ou une archive, pas un fichier texte CSV",
            expected="un CSV enregistré en texte, ou le classeur déposé avec son extension .xlsx",
        )
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as error:
                label = "UTF-8" if encoding == "utf-8-sig" else "UTF-16"
                raise _undecodable(raw, name, error, label) from error
    if b"\x00" in raw[:65536]:
        raise refuse(
            name,
            "fichier binaire (octets nuls) : ce n'est pas un fichier texte",
            expected="un fichier texte en UTF-8, UTF-16 (avec BOM) ou Windows-1252",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")  # Excel's "CSV" on French Windows
    except UnicodeDecodeError as error:
        raise _undecodable(raw, name, error, "UTF-8 ni Windows-1252") from error


def _undecodable(raw: bytes, name: str, error: UnicodeDecodeError, what: str) -> ImportRefused:
    line = raw.count(b"\n", 0, error.start) + 1
    return refuse(
        name,
        f"encodage non reconnu : l'octet 0x{raw[error.start]:02x} (ligne {line}, position "
        f"{error.start}) n'est pas du texte en {what}",
        expected="un fichier texte en UTF-8, UTF-16 (avec BOM) ou Windows-1252",
    )


def csv_rows(
    reader,
    name: str,
    row_limit: int,
    first_line: int = 1,
    by_line: bool = True,
    header_rows: int = 0,
):
    """Iterate a csv.reader within the bounds: (number, cells), the number being the line the row starts
    on (a quoted cell may span lines), or with ``by_line=False`` the row as a spreadsheet numbers it.

    ``row_limit`` counts data rows; ``header_rows`` more are read on top of them.
    csv.Error (a field over MAX_CELL_CHARS, a NUL…), too many rows or columns become ImportRefused.
    """
    previous_end = first_line - 1
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_error(name, previous_end + 1, error) from error
        line, previous_end = previous_end + 1, reader.line_num
        if len(cells) > MAX_COLUMNS:
            raise refuse(
                name,
                f"trop de colonnes ({len(cells)}) : la limite est de {MAX_COLUMNS}",
                row=line,
                expected=f"{MAX_COLUMNS} colonnes au plus",
            )
        count += 1
        if count > row_limit + header_rows:
            raise too_many_rows(name, row_limit)
        yield (line if by_line else first_line + count - 1), cells


def too_many_rows(name: str, row_limit: int) -> ImportRefused:
    return refuse(
        name,
        f"trop de lignes : un import en compte {row_limit:,} au plus".replace(",", " "),
        expected="un fichier plus court (découpez-le en plusieurs imports)",
    )


def _csv_error(name: str, line: int, error: csv.Error) -> ImportRefused:
    text = str(error)
    if "field larger than field limit" in text:
        message = f"cellule trop longue : plus de {MAX_CELL_CHARS:,} caractères".replace(",", " ")
        expected = f"des cellules de {MAX_CELL_CHARS:,} caractères au plus".replace(",", " ")
    else:
        message = "CSV illisible (guillemet non refermé, caractère nul ou ligne mal formée)"
        expected = "des cellules séparées par « ; » ou « , », entre guillemets si besoin"
    return refuse(name, message, row=line, expected=expected)


def check_cell_length(file: str, value: str, **where) -> None:
    """Refuse a cell over MAX_CELL_CHARS, quoting a short prefix (``where``: row, column)."""
    if len(value) > MAX_CELL_CHARS:
        raise ImportRefused(
            [
                Problem(
                    file,
                    f"cellule trop longue ({len(value):,} caractères)".replace(",", " "),
                    value=quote(value),  # a short prefix and « … »
                    expected=f"{MAX_CELL_CHARS:,} caractères au plus".replace(",", " "),
                    **where,
                )
            ]
        )


# --- the one table reader --------------------------------------------------------------------------------

# The suffixes read_table reads (the upload forms accept these two; the contacts command took « .txt » as
# CSV too, undocumented: now refused with this message, like the other imports).
TABLE_SUFFIXES = {".xlsx": "xlsx", ".csv": "csv"}
# The delimiters a CSV header is tried with, « ; » first: French spreadsheets write it.
DELIMITERS = (";", ",", "\t")
_SNIFF_CHARS = 64 * 1024
_XLSX_EXPECTED = "un classeur .xlsx enregistré par un tableur"


@dataclass
class Table:
    """A sheet read within the bounds: its header (cells as text, stripped) and its rows, numbered as a
    spreadsheet shows them (header = 1). A CSV's cells are text; an XLSX's are spreadsheet_value()'s."""

    file_name: str
    sheet_name: str  # the XLSX sheet read, or "CSV"
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]


def read_table(
    source: str | Path | IO[bytes],
    name: str,
    sheet: str | None = None,
    row_limit: int | None = None,
) -> Table:
    """The table of a CSV (delimiter and encoding sniffed) or of an XLSX sheet (``sheet``, else the first).

    Bounded, ImportRefused in French beyond: MAX_FILE_BYTES, ``row_limit`` data rows (IMPORT_MAX_ROWS by
    default), MAX_COLUMNS columns, MAX_CELL_CHARS characters a cell; an XLSX is checked by core.xlsx_guard
    before python-calamine opens it. A long cell is refused while the rows are read, so every caller
    reads them all before it writes anything.
    """
    kind = TABLE_SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        raise refuse(name, "format non reconnu", expected="un fichier .xlsx ou .csv")
    limit = max_rows() if row_limit is None else row_limit
    if kind == "xlsx":
        return _read_xlsx(source, name, sheet, limit)
    text = decode_text(read_bounded(source, name), name)
    # strict: a quote opened and never closed is an error (CSV illisible), not a cell running to the
    # end of the file with every row after it (the walk of 2026-12-04 lost three rows that way).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    rows = csv_rows(reader, name, limit, by_line=False, header_rows=1)
    first = next(rows, None)
    headers = [cell.strip() for cell in first[1]] if first else []
    return Table(name, "CSV", headers, rows)


def sniff_delimiter(text: str, delimiters: tuple[str, ...] = DELIMITERS) -> str:
    """The delimiter that cuts the first record (the header) into the most cells, outside quotes; the
    first of ``delimiters`` on a tie and for a one-column file. The header, not a count over the first
    rows: a description full of commas in a « ; » file would tip that count."""
    best, most = delimiters[0], 1
    for delimiter in delimiters:
        reader = csv.reader(io.StringIO(text[:_SNIFF_CHARS], newline=""), delimiter=delimiter)
        try:
            cells = next(reader, [])
        except csv.Error:  # a NUL byte…: the reading itself refuses it, with its line
            continue
        if len(cells) > most:
            best, most = delimiter, len(cells)
    return best


def _read_xlsx(source, name: str, sheet: str | None, row_limit: int) -> Table:
    # python-calamine (Rust) reads 10,000 rows × 76 columns in about 1 s where openpyxl's read-only mode
    # took 14 s (docs/decisions.md). It allocates a sheet's whole grid when it opens it: the guard first.
    # Imported here: core.xlsx_guard imports this module.
    from python_calamine import CalamineError, CalamineWorkbook

    from core.xlsx_guard import check_workbook

    # Without a sheet name the guard checks every sheet of the archive.
    check_workbook(source, name, sheet or "", row_limit)
    try:
        if isinstance(source, (str, Path)):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            workbook = CalamineWorkbook.from_filelike(source)
        try:
            names = workbook.sheet_names
            if not names:
                raise refuse(name, "le classeur n'a aucune feuille", expected=_XLSX_EXPECTED)
            sheet = sheet or names[0]
            if sheet not in names:
                listed = quote(", ".join(names), 200)
                raise refuse(
                    name,
                    f"feuille « {sheet} » introuvable (feuilles présentes : {listed})",
                    expected=f"une feuille nommée « {sheet} »",
                )
            # skip_empty_area=False: the grid starts at A1 whatever the first filled cell, so row and
            # column numbers are those the spreadsheet shows.
            grid = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except (CalamineError, OSError, ValueError) as error:  # ZipError, XmlError… on a damaged file
        raise refuse(
            name,
            f"fichier XLSX illisible ({error.__class__.__name__})",
            expected=_XLSX_EXPECTED,
        ) from error
    where = f"{name}, feuille « {sheet} »"
    headers = [cell_text(value) for value in _sheet_row(grid[0], where, 1)] if grid else []

    def rows():
        for number, row in enumerate(grid[1:], start=2):
            yield number, _sheet_row(row, where, number)

    return Table(name, sheet, headers, rows())


def _sheet_row(row: list[Any], where: str, number: int) -> list[Any]:
    """The row's values (spreadsheet_value), unless a text cell is longer than MAX_CELL_CHARS."""
    for index, value in enumerate(row):
        if type(value) is str and len(value) > MAX_CELL_CHARS:
            from xlsxwriter.utility import xl_col_to_name

            check_cell_length(where, value, row=number, column=xl_col_to_name(index))
    # Most cells are text: they skip the function call.
    return [value if type(value) is str and value else spreadsheet_value(value) for value in row]


_INTEGRAL_LIMIT = 2**53  # floats below this are exact integers


def spreadsheet_value(value: Any) -> Any:
    """A calamine value as a spreadsheet shows it (and as openpyxl gave it, which plans/spreadsheet/cells.py
    expects): None for an empty cell (calamine gives "", also for an error cell such as #DIV/0!), int for
    an integral number (calamine gives float), datetime for a date (calamine gives date without a time)."""
    if value == "":
        return None
    kind = type(value)
    if kind is float:
        integral = value.is_integer() and -_INTEGRAL_LIMIT < value < _INTEGRAL_LIMIT
        return int(value) if integral else value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


def cell_text(value: Any) -> str:
    """A cell as text, stripped: "" for an empty cell, numbers without a spurious ".0" (Excel stores 59350
    as 59350.0), a date in ISO format."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def purge_uploads(hours: float | None = None) -> int:
    """Delete abandoned import uploads (core.uploads.purge_stale_uploads), keeping those of the imports
    still queued or running; returns how many files were deleted."""
    from datetime import timedelta

    from core.models import ImportJob
    from core.uploads import STALE_UPLOAD_AGE, purge_stale_uploads

    active = ImportJob.objects.exclude(state__in=[ImportJob.State.DONE, ImportJob.State.FAILED])
    keep = set(active.values_list("upload", flat=True))
    age = STALE_UPLOAD_AGE if hours is None else timedelta(hours=hours)
    return purge_stale_uploads(age, keep)
