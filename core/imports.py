"""What every import shares: its problems, its refusal, and the bounds of what it reads.

Every import (territories, plans, and the offers and contacts to come) reports a bad file the same way: a
list of ``Problem`` (file, row, column, value found, what was expected) inside ``ImportRefused``, and nothing
written. Every reader bounds its work *before* it allocates: the file's size, its text encoding, its rows,
columns and cell length (the limits below, in French in each refusal). The XLSX guard lives in
``core.xlsx_guard``.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
    if len(value) > MAX_CELL_CHARS:
        raise ImportRefused(
            [
                Problem(
                    file,
                    f"cellule trop longue ({len(value):,} caractères)".replace(",", " "),
                    value=value[:QUOTE_CHARS],
                    expected=f"{MAX_CELL_CHARS:,} caractères au plus".replace(",", " "),
                    **where,
                )
            ]
        )


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
