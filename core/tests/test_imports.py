"""core.imports.read_table, the one reader of the plans, offers and contacts uploads: what it reads (CSV
delimiters and encodings, XLSX sheets and values) and what it refuses, in French, before it costs memory.

No database: the files are built here, a few hundred bytes each.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
import xlsxwriter

from core.imports import MAX_CELL_CHARS, ImportRefused, read_table, sniff_delimiter

ROWS = [
    ["Code", "Intitulé", "Montant"],
    ["A-1", "Équipe, usine et « friche »", "1200"],
    ["A-2", "Cœur de ville", ""],
]


def csv_bytes(delimiter: str, encoding: str, rows=ROWS) -> io.BytesIO:
    # Cells holding another candidate delimiter (the comma above): the header alone decides.
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def xlsx_file(path, sheets: dict[str, list[list]]):
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path


def refusal(source, name: str, **kwargs) -> str:
    with pytest.raises(ImportRefused) as raised:
        list(read_table(source, name, **kwargs).rows)
    return str(raised.value)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8"), (",", "utf-8-sig"), ("\t", "cp1252")],
    ids=["point-virgule-utf8", "virgule-utf8-bom", "tabulation-windows-1252"],
)
def test_csv_delimiter_and_encoding_are_sniffed(delimiter, encoding):
    table = read_table(csv_bytes(delimiter, encoding), "plan.csv")
    assert (table.sheet_name, table.headers) == ("CSV", ["Code", "Intitulé", "Montant"])
    assert list(table.rows) == [(2, ROWS[1]), (3, ROWS[2])]


def test_sniffing_reads_the_header_outside_quotes():
    assert sniff_delimiter('"a;b",c,d\n1;2;3;4;5;6\n') == ","
    assert sniff_delimiter("une seule colonne\n1,2,3\n") == ";"


def test_xlsx_first_or_named_sheet_with_spreadsheet_values(tmp_path):
    path = xlsx_file(
        tmp_path / "classeur.xlsx",
        {
            "Feuil1": [[" Code ", 59350.0], ["x", 1.5]],
            "Actions": [["Code", "Date", "Vide", "Nombre"], ["A-1", date(2024, 3, 1), None, 59350]],
        },
    )
    first = read_table(path, "classeur.xlsx")
    assert (first.sheet_name, first.headers) == ("Feuil1", ["Code", "59350"])
    assert list(first.rows) == [(2, ["x", 1.5])]
    with path.open("rb") as stream:  # an upload: a stream, read twice (guard, then calamine)
        named = read_table(stream, "classeur.xlsx", sheet="Actions")
        assert named.headers == ["Code", "Date", "Vide", "Nombre"]
        assert list(named.rows) == [(2, ["A-1", datetime(2024, 3, 1), None, 59350])]
    assert "feuille « Catalogue » introuvable (feuilles présentes : Feuil1, Actions)" in refusal(
        path, "classeur.xlsx", sheet="Catalogue"
    )


def test_rows_and_cells_are_bounded(tmp_path):
    rows = [["Code"]] + [[f"A-{n}"] for n in range(3)]
    assert "trop de lignes : un import en compte 2 au plus" in refusal(
        csv_bytes(";", "utf-8", rows), "p.csv", row_limit=2
    )
    path = xlsx_file(tmp_path / "p.xlsx", {"Feuil1": rows})
    assert "la limite d'un import est de 2 lignes de données" in refusal(
        path, "p.xlsx", row_limit=2
    )
    assert len(list(read_table(path, "p.xlsx", row_limit=3).rows)) == 3
    # Just over the limit: under the guard's byte bound (4 bytes a character), caught on the values.
    # xlsxwriter stops at Excel's 32,767 characters: the shared string is swapped in the archive.
    short = xlsx_file(tmp_path / "court.xlsx", {"Feuil1": [["Code", "Texte"], ["A-1", "BBB"]]})
    long = tmp_path / "long.xlsx"
    with zipfile.ZipFile(short) as source, zipfile.ZipFile(long, "w") as target:
        for member in source.namelist():
            data = source.read(member)
            if member == "xl/sharedStrings.xml":
                data = data.replace(b">BBB<", b">" + b"B" * (MAX_CELL_CHARS + 1) + b"<")
            target.writestr(member, data)
    message = refusal(long, "long.xlsx")
    # Where (file, sheet, row, column), what, what was expected; the value cut to a short prefix.
    assert message.startswith("long.xlsx, feuille « Feuil1 », ligne 2, colonne « B » : ")
    assert "cellule trop longue (131 073 caractères)" in message
    assert "B" * 80 + "…" in message and "B" * 81 not in message
    assert f"{MAX_CELL_CHARS:,} caractères au plus".replace(",", " ") in message


def test_a_bomb_workbook_is_refused_before_calamine_opens_it(tmp_path):
    # One cell at XFD1048576: calamine would allocate a 17-billion-cell grid (core/xlsx_guard.py).
    workbook = xlsxwriter.Workbook(str(tmp_path / "bombe.xlsx"))
    workbook.add_worksheet("Feuil1").write_string(1_048_575, 16_383, "x")
    workbook.close()
    message = refusal(tmp_path / "bombe.xlsx", "bombe.xlsx")
    assert "bombe.xlsx : " in message and "la limite est de 300 colonnes" in message


@pytest.mark.parametrize(
    ("name", "raw", "words"),
    [
        ("binaire.csv", bytes(range(256)) * 4, "fichier binaire (octets nuls)"),
        ("faux.xlsx", b"PK\x03\x04 pas une archive", "fichier XLSX illisible"),
        ("classeur.csv", b"PK\x03\x04\x14\x00", "ce fichier est un classeur (XLSX, ODS)"),
        ("annuaire.ods", b"niveau;code", "format non reconnu (attendu : un fichier .xlsx ou .csv)"),
        ("plan.csv", b"Code;Titre\r\nA-1;\x81\r\n", "l'octet 0x81 (ligne 2"),
    ],
)
def test_unreadable_files_are_refused_in_french(name, raw, words):
    message = refusal(io.BytesIO(raw), name)
    assert message.startswith(f"{name} : ") and words in message


def test_a_quote_never_closed_is_refused_not_read_to_the_end_of_the_file():
    # Non-strict, the csv module made one cell of everything after the quote: rows lost in silence.
    source = io.BytesIO(b'code;nom\r\n77284;Meaux\r\n77001;"Ach\r\n77002;Bar\r\n77003;Baz\r\n')
    message = refusal(source, "plan.csv")
    assert "guillemet non refermé" in message and "ligne 3" in message
