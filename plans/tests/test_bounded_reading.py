"""Hostile and malformed spreadsheets are refused before they cost memory (issue 8).

The workbooks are built by hand (a few KB of XML in a zip), as an attacker would: python-calamine
allocates the whole grid of a sheet when it opens it, so the guard must refuse them first. Peak memory is
measured in a subprocess (its own ru_maxrss, under an address-space limit): tracemalloc does not see
calamine's memory.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.imports import MAX_CELL_CHARS, ImportRefused
from plans.spreadsheet import files

ROOT = Path(__file__).resolve().parents[2]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument'
    '.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Actions" sheetId="1" r:id="rId7"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId8" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>Code de l\'action</t></is></c></row>'


def workbook(path: Path, rows_xml: str = "", dimension: str = "A1:A1", shared: list | None = None):
    """A minimal XLSX: sheet « Actions » with a header cell, then ``rows_xml``; ``shared`` is a list of
    byte chunks written as the one shared string (streamed: a 200 MB string never sits in memory)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{_HEADER}{rows_xml}'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
            )
            for chunk in shared or [b"x"]:
                stream.write(chunk)
            stream.write(b"</t></si></sst>")
    return path


def far_cell(path: Path, ref: str) -> Path:
    row = "".join(ch for ch in ref if ch.isdigit())
    return workbook(path, f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>')


def huge_string(path: Path, megabytes: int) -> Path:
    return workbook(
        path,
        '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
        shared=[b"A" * (1024 * 1024)] * megabytes,
    )


def refusal(path: Path) -> str:
    with pytest.raises(ImportRefused) as raised:
        sheet = files.read_rows(path)
        list(sheet.rows)
    return str(raised.value)


# --- the guard -----------------------------------------------------------------------------------------


def test_a_cell_at_xfd1048576_is_refused_naming_the_limit(tmp_path):
    path = far_cell(tmp_path / "bombe.xlsx", "XFD1048576")
    assert path.stat().st_size < 10_000  # the 9 KB file of the attack
    message = refusal(path)
    assert "colonne n° 16384" in message and "limite est de 300 colonnes" in message


def test_a_cell_at_xfd2000_is_refused(tmp_path):
    assert "limite est de 300 colonnes" in refusal(far_cell(tmp_path / "large.xlsx", "XFD2000"))


def test_a_row_beyond_the_cap_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 100
    message = refusal(far_cell(tmp_path / "long.xlsx", "A102"))
    assert "ligne 102" in message and "100 lignes de données" in message
    assert files.read_rows(far_cell(tmp_path / "juste.xlsx", "A101")).headers  # 100 rows: read


def test_cells_without_references_are_counted_by_their_place(tmp_path):
    cells = "<c><v>1</v></c>" * 301
    assert "colonne n° 301" in refusal(workbook(tmp_path / "sans-ref.xlsx", f"<row>{cells}</row>"))


def test_a_declared_dimension_beyond_the_limits_is_refused(tmp_path):
    message = refusal(workbook(tmp_path / "dimension.xlsx", dimension="A1:XFD1048576"))
    assert "la dimension déclarée" in message


def test_styled_empty_cells_far_away_are_not_counted(tmp_path):
    # Excel writes a self-closing cell for a formatted empty cell; calamine leaves it out of the grid.
    sheet = files.read_rows(
        workbook(tmp_path / "style.xlsx", '<row r="9"><c r="ZZ9" s="1"/></row>')
    )
    assert sheet.headers == ["Code de l'action"]


def test_a_huge_string_is_refused_and_not_echoed(tmp_path):
    message = refusal(huge_string(tmp_path / "chaine.xlsx", 3))
    assert f"dépasse {MAX_CELL_CHARS:,} caractères".replace(",", " ") in message
    assert len(message) < 500


def test_a_long_cell_after_calamine_is_refused_with_a_short_prefix(tmp_path):
    # Just over the limit: under the scan's byte bound (4 bytes a character), caught on the values.
    path = huge_string(tmp_path / "longue.xlsx", 0)
    workbook(
        path,
        '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
        shared=[b"B" * (MAX_CELL_CHARS + 1)],
    )
    message = refusal(path)
    assert "cellule trop longue (131 073 caractères)" in message
    assert "B" * 80 + "…" in message and "B" * 81 not in message


def test_a_damaged_archive_is_refused(tmp_path):
    path = far_cell(tmp_path / "tronque.xlsx", "B2")
    path.write_bytes(path.read_bytes()[:-200])
    assert "illisible" in refusal(path)


# --- peak memory, in a subprocess ------------------------------------------------------------------------

_MEASURE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
import django
django.setup()
from core.imports import ImportRefused
from plans.spreadsheet import files
try:
    sheet = files.read_rows(sys.argv[1])
    list(sheet.rows)
    outcome = "lu"
except ImportRefused as refused:
    outcome = str(refused)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"outcome": outcome, "peak_mb": peak / 1024}))
"""


def peak_reading(path: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]  # SIGABRT (-6) was the attack's outcome
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline() -> float:
    """The same subprocess reading a tiny valid workbook: Django and calamine loaded."""
    return peak_reading(far_cell(Path(os.environ.get("TMPDIR", "/tmp")) / "ok-ti.xlsx", "A2"))[
        "peak_mb"
    ]


@pytest.mark.parametrize(
    "build",
    [
        lambda tmp: far_cell(tmp / "bombe.xlsx", "XFD1048576"),  # was: abort, 549,755,813,888 bytes
        lambda tmp: far_cell(tmp / "large.xlsx", "XFD2000"),  # was: 1.35 GB
        lambda tmp: huge_string(tmp / "chaine.xlsx", 200),  # was: 1.76 GB and a 200 MB error page
    ],
    ids=["XFD1048576", "XFD2000", "chaine-200-Mo"],
)
def test_peak_memory_of_a_refusal_stays_near_the_baseline(tmp_path, build):
    measured = peak_reading(build(tmp_path))
    assert measured["outcome"] != "lu" and len(measured["outcome"]) < 1000
    # Measured: baseline 69 MB; XFD1048576 and XFD2000 69 MB, the 200 MB string (a 205 KB file) 70 MB.
    assert measured["peak_mb"] < baseline() + 50, measured


# --- CSV -----------------------------------------------------------------------------------------------

HEADER = "Territoire (identifiant);Code de l'action;Intitulé;Axe\r\n"


def csv_refusal(raw: bytes, name: str = "plan.csv") -> str:
    with pytest.raises(ImportRefused) as raised:
        sheet = files.read_rows(io.BytesIO(raw), name)
        list(sheet.rows)
    return str(raised.value)


def test_csv_byte_0x81_is_refused_with_its_place():
    message = csv_refusal((HEADER + "ti-1;A-1;Titre ").encode("cp1252") + b"\x81;Innovation\r\n")
    assert "l'octet 0x81 (ligne 2" in message and "encodage non reconnu" in message


def test_csv_binary_file_is_refused():
    assert "fichier binaire" in csv_refusal(bytes(range(256)) * 10)


def test_xlsx_renamed_csv_is_refused(tmp_path):
    raw = far_cell(tmp_path / "classeur.xlsx", "A2").read_bytes()
    assert "classeur (XLSX, ODS) ou une archive" in csv_refusal(raw)


def test_csv_field_over_131072_characters_is_refused():
    raw = (HEADER + "ti-1;A-1;" + "x" * (MAX_CELL_CHARS + 1) + ";Axe\r\n").encode()
    message = csv_refusal(raw)
    assert "cellule trop longue : plus de 131 072 caractères" in message and "xxxxx" not in message


def test_csv_too_many_rows_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    raw = (HEADER + "ti-1;A-1;Titre;Axe\r\n" * 4).encode()
    assert "trop de lignes : un import en compte 3 au plus" in csv_refusal(raw)
    sheet = files.read_rows(io.BytesIO((HEADER + "ti-1;A-1;Titre;Axe\r\n" * 3).encode()), "p.csv")
    assert [number for number, _ in sheet.rows] == [2, 3, 4]


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_csv_utf16_is_read_by_its_bom(bom):
    encoding = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    raw = bom + (HEADER + "ti-1;A-1;Équipement;Innovation\r\n").encode(encoding)
    sheet = files.read_rows(io.BytesIO(raw), "plan.csv")
    assert sheet.headers == ["Territoire (identifiant)", "Code de l'action", "Intitulé", "Axe"]
    assert list(sheet.rows) == [(2, ["ti-1", "A-1", "Équipement", "Innovation"])]


@pytest.mark.parametrize(
    "cell",
    [
        # A ">" inside a quoted value, then the real reference: the tag's end is not the first ">".
        '<c x=">" r="XFD1048576"><v>1</v></c>',
        # A fake reference inside another attribute's value, before the real one.
        '<c x=\' r="A2"\' r="XFD1048576"><v>1</v></c>',
        # Namespaced tags.
        '<x:c r="XFD1048576"><x:v>1</x:v></x:c>',
    ],
)
def test_tricky_tags_are_read_as_the_xml_parser_reads_them(tmp_path, cell):
    path = workbook(tmp_path / "ruse.xlsx", f'<row r="2"><c><v>0</v></c>{cell}</row>')
    assert "colonne n° 16384" in refusal(path)


def test_a_second_reference_in_a_cell_is_refused(tmp_path):
    path = workbook(tmp_path / "double.xlsx", '<row r="2"><c r="A2" r="XFD2"><v>1</v></c></row>')
    assert "attribut en double" in refusal(path)


def test_a_second_sheet_of_the_same_name_is_checked_too(tmp_path):
    path = far_cell(tmp_path / "deux.xlsx", "A2")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="Actions" sheetId="2" r:id="rId9"/></sheets>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>',
    )
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'r="A2"', b'r="XFD2"'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert "colonne n° 16384" in refusal(path)


def test_a_huge_inline_string_in_the_sheet_is_refused(tmp_path):
    text = "A" * 600_000  # over the guard's byte bound (4 bytes a character)
    path = workbook(
        tmp_path / "en-ligne.xlsx",
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{text}</t></is></c></row>',
    )
    message = refusal(path)
    assert "une cellule dépasse 131 072 caractères" in message and "AAAA" not in message
