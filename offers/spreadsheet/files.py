"""Reading and writing the catalogue spreadsheet: XLSX (sheets « Catalogue » and « Lisez-moi ») or CSV
(« ; », UTF-8 with BOM).

Reading is core.imports.read_table's (bounded, the XLSX checked by core.xlsx_guard), the CSV writer the plan
spreadsheet's (plans/spreadsheet/files.py); only the XLSX layout, with its own read-me, is written here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from core.imports import Table, read_table
from offers.spreadsheet.columns import COLUMNS, LAYOUT, SHEET_CATALOGUE, SHEET_README
from plans.spreadsheet import files as plan_files
from plans.spreadsheet.files import FORMATS, UnreadableFile, format_of

SheetRows = Table  # the catalogue sheet of an uploaded file

__all__ = ["FORMATS", "SheetRows", "UnreadableFile", "format_of", "read_rows", "write"]

README = [
    "Catalogue de l'offre de services — Territoires d'industrie",
    "",
    "Une ligne par service dans la feuille « Catalogue ». Ne renommez pas les en-têtes de colonnes.",
    "L'import est « tout ou rien » : si une seule cellule est incorrecte, rien n'est enregistré et chaque "
    "erreur est signalée avec sa feuille, sa ligne, sa colonne, la valeur trouvée et la valeur attendue.",
    "Un service est reconnu par son identifiant : une ligne dont l'identifiant existe déjà met le service à "
    "jour ; un nouvel identifiant crée un service ; les services absents du fichier sont laissés tels quels ; "
    "une colonne absente du fichier ne change rien aux services existants.",
    "Chaque fiche indique sa source : l'adresse de la page publique dont elle est tirée. Un montant qui "
    "n'est pas public reste vide.",
    "Les textes commençant par =, +, - ou @ sont précédés d'une apostrophe à l'export (protection contre "
    "les formules) ; l'import la retire.",
    "",
    "Colonne | Obligatoire | Valeurs attendues",
]


def read_rows(source: str | Path | IO[bytes], file_name: str | None = None) -> SheetRows:
    """The « Catalogue » sheet of an XLSX, or a CSV; ImportRefused (in French) for a file refused."""
    return read_table(source, file_name or Path(str(source)).name, SHEET_CATALOGUE)


def write(stream: IO[bytes], fmt: str, rows: Iterable[list[Any]], operators=()) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format inconnu : {fmt}")
    if fmt == "csv":
        plan_files.write_csv(stream, LAYOUT, rows)
    else:
        _write_xlsx(stream, rows, operators)


def _write_xlsx(stream: IO[bytes], rows: Iterable[list[Any]], operators) -> None:
    workbook = xlsxwriter.Workbook(stream, {"constant_memory": True})
    sheet = workbook.add_worksheet(SHEET_CATALOGUE)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 2)
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, column.header, header)
    date_format = workbook.add_format({"num_format": plan_files.DATE_FORMAT})
    # Written by type, never through write(), which would turn text into formulas or links.
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (date, datetime)):
                sheet.write_datetime(number, index, value, date_format)
            elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
                sheet.write_number(number, index, value)
            else:
                sheet.write_string(number, index, str(value))
    _write_readme(workbook.add_worksheet(SHEET_README), operators)
    workbook.close()


def _write_readme(sheet, operators) -> None:
    from core.exports import neutralize

    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 100)
    lines: list[list[str]] = [[line] for line in README]
    for column in COLUMNS:
        explanation = column.help or column.cell.expected
        if column.help and column.cell.expected:
            explanation = f"{column.help} Format : {column.cell.expected}."
        lines.append([column.header, "oui" if column.required else "non", explanation])
    lines += [[""], ["Opérateurs", "", "identifiant — nom"]]
    lines += [["", "", neutralize(f"{slug} — {name}")] for slug, name in operators]
    for number, line in enumerate(lines):
        for col, text in enumerate(line):
            if text:
                sheet.write_string(number, col, text)
