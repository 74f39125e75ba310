"""Check an XLSX workbook's size and extent before a reader (python-calamine) allocates anything.

python-calamine builds the whole grid of a sheet, from A1 to its farthest cell, as soon as the sheet is
opened: a 9 KB workbook with one cell at XFD1048576 asks for 549,755,813,888 bytes and aborts the process
(SIGABRT, not a Python exception); a cell at XFD2000 cost 1.35 GB, one 200 MB string 1.76 GB (issue 8).
So before calamine sees a file, ``check_workbook`` reads it as the zip archive it is (the standard library
decompresses a member as a stream, never more than its declared size):

- every member's uncompressed size, and their total;
- the sheet's declared dimension (``<dimension ref="A1:…"/>``);
- the sheet's real extent: the XML stream is scanned for every cell with a value, its reference or its
  place in its row; the scan stops at the first cell beyond the limits;
- the longest text run of the shared strings and of the sheet (a cell over MAX_CELL_CHARS).

The scan is a few regular expressions over 1 MB chunks (measured figures in _scan_sheet).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path
from typing import IO

from core.imports import MAX_CELL_CHARS, MAX_COLUMNS, ImportRefused, refuse

# The total uncompressed size of a workbook: 10,000 rows × 76 cells of ~45 characters are 73 MB of XML
# (measured), so a capped 20,000-row sheet ~150 MB; beyond this, calamine's memory is not reasonable.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
CHUNK = 1024 * 1024
# A text run of more than this many bytes holds more than MAX_CELL_CHARS characters (4 bytes at most
# per character in UTF-8), whatever the characters: refused without reading it whole.
_MAX_RUN_BYTES = MAX_CELL_CHARS * 4
# An opening tag longer than this is not a genuine one (a cell's tag is ~40 bytes).
_MAX_TAG_BYTES = 64 * 1024

_TAG = re.compile(rb"""<(?:[\w.-]+:)?(row|c|dimension)\b((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_DIMENSION = re.compile(rb"""\sref\s*=\s*["']([^"']*)["']""")
_ATTR = re.compile(r"""([\w:]+)\s*=\s*["']([^"']*)["']""")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(char) - 64
    return number


def _mo(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo"


class _Limits:
    def __init__(self, name: str, rows: int, columns: int):
        self.name, self.rows, self.columns = name, rows, columns

    def check(self, row: int, column: int, where: str) -> None:
        if column > self.columns:
            raise refuse(
                self.name,
                f"{where} va jusqu'à la colonne n° {column} : la limite est de {self.columns} colonnes",
                expected=f"une feuille de {self.columns} colonnes au plus",
            )
        if row > self.rows:
            raise refuse(
                self.name,
                f"{where} va jusqu'à la ligne {row} : la limite d'un import est de "
                f"{self.rows - 1:,} lignes de données".replace(",", " "),
                expected="un fichier plus court (découpez-le en plusieurs imports)",
            )


def check_workbook(
    source: str | Path | IO[bytes], name: str, sheet_name: str, max_rows: int
) -> None:
    """Refuse (ImportRefused, in French) a workbook too large to read; otherwise return, the stream rewound.

    ``max_rows`` counts data rows: the header row comes on top of it.
    """
    limits = _Limits(name, max_rows + 1, MAX_COLUMNS)
    if isinstance(source, (str, Path)) and not Path(source).is_file():
        raise refuse(name, "fichier introuvable")
    start = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            total = sum(info.file_size for info in members)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise refuse(
                    name,
                    f"classeur trop volumineux une fois décompressé ({_mo(total)})",
                    expected=f"un classeur de {_mo(MAX_UNCOMPRESSED_BYTES)} au plus décompressé",
                )
            names = {info.filename for info in members}
            sheets = _sheet_members(archive, names, sheet_name) or sorted(
                n for n in names if n.lower().endswith(".xml") and "sharedstrings" not in n.lower()
            )
            for member in sheets:
                _scan_sheet(archive, member, limits)
            for member in names:
                if member.lower().endswith("sharedstrings.xml"):
                    _scan_runs(archive, member, name)
    except ImportRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # an unknown compression method
    ) as error:
        raise refuse(
            name,
            f"fichier XLSX illisible (archive endommagée : {error.__class__.__name__})",
            expected="un classeur .xlsx enregistré par un tableur",
        ) from error
    finally:
        if start is not None:
            source.seek(start)


def _small(archive: zipfile.ZipFile, member: str) -> str:
    info = archive.getinfo(member)
    if info.file_size > 16 * 1024 * 1024:
        return ""
    return archive.read(member).decode("utf-8", "replace")


def _attributes(text: str) -> dict[str, str]:
    return {key.split(":")[-1]: html.unescape(value) for key, value in _ATTR.findall(text)}


def _sheet_members(archive: zipfile.ZipFile, names: set[str], sheet_name: str) -> list[str]:
    """The members holding the sheets of that name (workbook.xml, then its relationships). Empty when the
    workbook is laid out otherwise: then every XML member is checked, since the reader may find the sheet
    where this function did not."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return []
    relations = set()
    for tag in re.findall(r"<(?:[\w.-]+:)?sheet\b([^>]*)>", _small(archive, "xl/workbook.xml")):
        attributes = _attributes(tag)
        if attributes.get("name") == sheet_name:  # twice in a crafted file: both are checked
            relations.add(attributes.get("id"))
    found = []
    rels = _small(archive, "xl/_rels/workbook.xml.rels")
    for tag in re.findall(r"<(?:[\w.-]+:)?Relationship\b([^>]*)>", rels):
        attributes = _attributes(tag)
        if attributes.get("Id") in relations and attributes.get("Target"):
            target = attributes["Target"].replace("\\", "/")
            member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            member = posixpath.normpath(member)
            if member not in names:
                return []
            found.append(member)
    return found if len(found) >= len(relations) else []


def _chunks(archive: zipfile.ZipFile, member: str):
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


# A cell with a value, as Excel, LibreOffice and xlsxwriter write it: <c r="AB12" …> (not self-closing).
_CELL_REF = re.compile(rb"""<c r="([A-Z]+)(\d+)"[^>]*(?<!/)>""")
# A run of text longer than the bound after a tag ("<" is a literal prefix: the engine jumps to it).
_LONG_RUN = re.compile(rb"<[^<]{%d}" % (_MAX_RUN_BYTES + 1))
# The sheet's main namespace bound to a prefix (<x:c …>): read by the state machine.
_PREFIXED = re.compile(
    rb"xmlns:[\w.-]+=[\"']http://schemas\.openxmlformats\.org/spreadsheetml/2006/main"
)


def _pieces(archive: zipfile.ZipFile, member: str, name: str):
    """The member's bytes in ~1 MB pieces, each cut just before a "<": no tag is ever split between two
    pieces (a ">" may sit inside a quoted attribute value, so a tag's end cannot be trusted)."""
    carry = b""
    for chunk in _chunks(archive, member):
        buffer = carry + chunk
        last_open = buffer.rfind(b"<")
        if last_open <= 0:
            carry = buffer
            if len(carry) > _MAX_RUN_BYTES + _MAX_TAG_BYTES:
                raise _too_long(name)
            continue
        yield buffer[:last_open]
        carry = buffer[last_open:]
    if carry:
        yield carry


def _scan_sheet(archive: zipfile.ZipFile, member: str, limits: _Limits) -> None:
    """The sheet's extent, chunk by chunk.

    Fast path, when every cell tag is written « <c r="…" » (Excel, LibreOffice, xlsxwriter): one findall
    per chunk and a max in C. Otherwise (cells without reference, a prefixed namespace, other attribute
    order) a state machine follows rows and cells in order. Performance, 10,000 rows × 76 columns
    (73 MB of XML, 2.7 MB zipped): 1.9 to 2.1 s on a loaded machine, as long as calamine's own read of
    it (2.1 to 2.3 s), of which ~0.5 s decompressing; a first tag-by-tag Python loop took 8.5 s.
    """
    run = 0  # length of the text run still open at the end of the previous piece
    slow = None
    first = True
    for head in _pieces(archive, member, limits.name):
        first_tag = head.find(b"<")
        if run + (len(head) if first_tag < 0 else first_tag) > _MAX_RUN_BYTES:
            raise _too_long(limits.name)
        if _LONG_RUN.search(head):
            raise _too_long(limits.name)
        run = run + len(head) if first_tag < 0 else len(head) - head.rfind(b">") - 1
        if first:
            first = False
            for match in _TAG.finditer(head[:8192]):
                if match.group(1) == b"dimension":
                    _check_dimension(match.group(2), limits)
            if _PREFIXED.search(head[:8192]):
                slow = _StateMachine(limits)
        if slow is None:
            # Every cell tag starts « <c r=" », and no other r="…" than those of cells and rows: else
            # (a cell without reference, a second r in a tag) the state machine reads every attribute.
            cells = head.count(b'<c r="')
            if head.count(b"<c ") + head.count(b"<c>") != cells or head.count(
                b' r="'
            ) != cells + head.count(b'<row r="'):
                slow = _StateMachine(limits)
        if slow is not None:
            slow.feed(head)
            continue
        refs = _CELL_REF.findall(head)
        if refs:
            row = max(int(digits) for _, digits in refs)
            column = max(_column_number(letters) for letters in {letters for letters, _ in refs})
            limits.check(row, column, "la feuille")


_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"^([A-Za-z]*)(\d*)$")


class _StateMachine:
    """Rows and cells in order, for sheets whose cells are not all written « <c r="…" »: a cell without
    reference takes the next column of its row, a row without reference the next row."""

    def __init__(self, limits: _Limits):
        self.limits, self.row, self.column = limits, 0, 0

    def _reference(self, attributes: bytes) -> tuple[bytes, bytes]:
        found = [
            (name, double or single) for name, double, single in _ATTRIBUTE.findall(attributes)
        ]
        names = [name for name, _ in found]
        if len(set(names)) != len(names):  # malformed XML, and a reader may take either value
            raise refuse(self.limits.name, "fichier XLSX mal formé (attribut en double)")
        value = dict(found).get(b"r", b"")
        match = _REFERENCE.match(value.strip())
        if match is None:
            raise refuse(
                self.limits.name, "fichier XLSX mal formé (référence de cellule illisible)"
            )
        return match.group(1), match.group(2)

    def feed(self, data: bytes) -> None:
        for match in _TAG.finditer(data):
            kind, attributes = match.group(1), match.group(2)
            if kind == b"dimension":
                continue
            letters, digits = self._reference(attributes)
            if kind == b"row":
                self.row = int(digits) if digits else self.row + 1
                self.column = 0
                continue
            if letters:
                self.column = _column_number(letters)
                if digits:
                    self.row = int(digits)
            else:
                self.column += 1
            if not attributes.rstrip().endswith(b"/"):  # self-closing: no value, not in the grid
                self.limits.check(self.row, self.column, "la feuille")


def _scan_runs(archive: zipfile.ZipFile, member: str, name: str) -> None:
    """The shared strings: no text run longer than the bound, even across chunks."""
    run = 0
    for chunk in _chunks(archive, member):
        first_tag = chunk.find(b"<")
        if run + (len(chunk) if first_tag < 0 else first_tag) > _MAX_RUN_BYTES:
            raise _too_long(name)
        if _LONG_RUN.search(chunk):
            raise _too_long(name)
        run = run + len(chunk) if first_tag < 0 else len(chunk) - chunk.rfind(b">") - 1


def _too_long(name: str) -> ImportRefused:
    return refuse(
        name,
        f"une cellule dépasse {MAX_CELL_CHARS:,} caractères".replace(",", " "),
        expected=f"des cellules de {MAX_CELL_CHARS:,} caractères au plus".replace(",", " "),
    )


def _check_dimension(attributes: bytes, limits: _Limits) -> None:
    found = _DIMENSION.search(attributes)
    if not found:
        return
    last = found.group(1).decode("ascii", "replace").split(":")[-1]
    cell = _CELL.match(last)
    if cell:
        limits.check(int(cell.group(2)), _column_number(cell.group(1)), "la dimension déclarée")
