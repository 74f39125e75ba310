"""Reading and writing the plan spreadsheet as XLSX (written with xlsxwriter) or CSV (« ; », UTF-8 with
BOM); reading is core.imports.read_table's (python-calamine for an XLSX).

Both formats carry the same sheet of actions laid out by plans/spreadsheet/columns.py; the XLSX adds the
« Listes » sheet (allowed values, referenced by the cells' data validation) and the « Lisez-moi » sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from core.imports import Table, read_table
from plans.spreadsheet import cells
from plans.spreadsheet.columns import (
    ACTION_COLUMNS,
    COMPUTED_COLUMNS,
    FUNDING_COLUMNS,
    INDICATOR_COLUMNS,
    SHEET_ACTIONS,
    SHEET_LISTS,
    SHEET_README,
    Layout,
)

FORMATS = ("xlsx", "csv")
CSV_DELIMITER = ";"
# Data validation reaches this many rows of the template (Excel applies it to the range, not the sheet).
VALIDATED_ROWS = 5000
DATE_FORMAT = "yyyy-mm-dd"


class UnreadableFile(Exception):
    """An export's format is not XLSX or CSV (format_of); the message is for the user (French). An
    unreadable upload is an ImportRefused of core.imports.read_table."""


def format_of(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UnreadableFile(f"{name} : format non reconnu (attendu : un fichier .xlsx ou .csv).")
    return suffix


# --- writing ---------------------------------------------------------------------------------------------


def write_csv(stream: IO[bytes], layout: Layout, rows: Iterable[list[Any]]) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(layout.headers)
    for row in rows:
        writer.writerow([cells.to_csv_text(value) for value in row])
    text.flush()
    text.detach()


def _choice_lists() -> list[tuple[str, list[str]]]:
    """(list title, labels) of every choice column, in the order of the « Listes » sheet."""
    seen: dict[str, list[str]] = {}
    for column in ACTION_COLUMNS + FUNDING_COLUMNS:
        if isinstance(column.cell, cells.Choice):
            seen.setdefault(column.header.capitalize(), column.cell.labels)
    seen["Oui / non"] = ["oui", "non"]
    return list(seen.items())


def write_xlsx(stream: IO[bytes], layout: Layout, rows: Iterable[list[Any]]) -> None:
    # xlsxwriter in constant-memory mode streams each row to a temporary file as soon as it is complete and
    # writes nothing for an empty cell: 10,000 actions × 76 columns in a few seconds (docs/decisions.md).
    workbook = xlsxwriter.Workbook(stream, {"constant_memory": True})
    sheet = workbook.add_worksheet(SHEET_ACTIONS)
    lists = _choice_lists()
    list_ranges = {}
    for index, (title, labels) in enumerate(lists):
        letter = xl_col_to_name(index)
        list_ranges[title] = f"'{SHEET_LISTS}'!${letter}$2:${letter}${len(labels) + 1}"
    _add_validations(sheet, layout, list_ranges)
    for index, placed in enumerate(layout.columns):
        sheet.set_column(index, index, placed.column.width)
    sheet.freeze_panes(1, 3)  # D2
    header_format = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    computed_format = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "pattern": 1, "bg_color": "#EEEEEE"}
    )
    for index, placed in enumerate(layout.columns):
        sheet.write_string(
            0, index, placed.header, computed_format if placed.column.computed else header_format
        )
    date_format = workbook.add_format({"num_format": DATE_FORMAT})
    # Values are text (labels, « oui »/« non », texts already neutralised), Decimal, int or date: written by
    # type, never through write(), which would turn text into formulas or links.

    def write_date(row: int, col: int, value: date) -> None:
        sheet.write_datetime(row, col, value, date_format)

    writers = {
        str: sheet.write_string,
        Decimal: sheet.write_number,
        int: sheet.write_number,
        float: sheet.write_number,
        date: write_date,
        datetime: write_date,
        bool: sheet.write_boolean,
    }
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if value is not None:
                writer = writers.get(type(value))
                if (
                    writer is None
                ):  # a subclass (str enum, SafeString…): its base's writer, found once
                    writer = writers[type(value)] = next(
                        w for base, w in writers.items() if isinstance(value, base)
                    )
                writer(number, index, value)
    _write_lists(workbook.add_worksheet(SHEET_LISTS), lists)
    _write_readme(workbook.add_worksheet(SHEET_README))
    workbook.close()


def _add_validations(sheet, layout: Layout, list_ranges: dict[str, str]) -> None:
    by_formula: dict[str, list[str]] = {}
    for index, placed in enumerate(layout.columns):
        column = placed.column
        if column.computed:
            continue
        if isinstance(column.cell, cells.Choice):
            formula = list_ranges[column.header.capitalize()]
        elif isinstance(column.cell, cells.Boolean):
            formula = list_ranges["Oui / non"]
        else:
            continue
        letter = xl_col_to_name(index)
        by_formula.setdefault(formula, []).append(f"{letter}2:{letter}{VALIDATED_ROWS}")
    for formula, ranges in by_formula.items():
        # One rule per list, over every column that uses it (multi_range), as Excel itself records it.
        first_col = xl_cell_to_rowcol(ranges[0].split(":")[0])[1]
        sheet.data_validation(
            1,
            first_col,
            VALIDATED_ROWS - 1,
            first_col,
            {
                "validate": "list",
                "source": "=" + formula,
                "ignore_blank": True,
                "multi_range": " ".join(ranges),
                "error_title": "Valeur hors liste",
                "error_message": "Choisissez une valeur de la liste (feuille « Listes »).",
            },
        )


def _write_lists(sheet, lists: list[tuple[str, list[str]]]) -> None:
    for col, (title, _) in enumerate(lists):
        sheet.write_string(0, col, title)
    longest = max(len(labels) for _, labels in lists)
    for index in range(longest):  # row by row: constant-memory mode writes rows in order
        for col, (_, labels) in enumerate(lists):
            if index < len(labels):
                sheet.write_string(index + 1, col, labels[index])


README_INTRO = [
    "Modèle de plan d'action — Territoires d'industrie",
    "",
    "Une ligne par fiche action dans la feuille « Actions ». Ne renommez pas les en-têtes de colonnes.",
    "L'import est « tout ou rien » : si une seule cellule est incorrecte, rien n'est enregistré et chaque "
    "erreur est signalée avec sa feuille, sa ligne, sa colonne, la valeur trouvée et la valeur attendue.",
    "Une action est reconnue par son code : une ligne dont le code existe déjà dans le plan met l'action à "
    "jour ; un nouveau code crée une action ; les actions absentes du fichier sont laissées telles quelles.",
    "Financements et indicateurs : autant de groupes de colonnes « Financement N — … » et « Indicateur N — … » "
    "que nécessaire (ajoutez des groupes en suivant la même numérotation ; un groupe vide est ignoré).",
    "Les colonnes « (calculé) » sont remplies par l'export et ignorées à l'import.",
    "Les textes commençant par =, +, - ou @ sont précédés d'une apostrophe à l'export (protection contre "
    "les formules) ; l'import la retire.",
    "",
    "Colonne | Obligatoire | Valeurs attendues",
]


def _write_readme(sheet) -> None:
    sheet.set_column(0, 0, 45)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 100)
    lines = [[line] for line in README_INTRO]
    groups = [
        ("", ACTION_COLUMNS),
        ("Financement N — ", FUNDING_COLUMNS),
        ("Indicateur N — ", INDICATOR_COLUMNS),
        ("", COMPUTED_COLUMNS),
    ]
    for prefix, columns in groups:
        for column in columns:
            explanation = column.help or column.cell.expected
            if column.help and column.cell.expected and not column.computed:
                explanation = f"{column.help} Format : {column.cell.expected}."
            lines.append([prefix + column.header, "oui" if column.required else "non", explanation])
    for number, line in enumerate(lines):
        for col, text in enumerate(line):
            if text:
                sheet.write_string(number, col, text)


# --- reading ---------------------------------------------------------------------------------------------

# The actions sheet of an uploaded file: core.imports' table (header, rows numbered as displayed).
SheetRows = Table


def read_rows(
    source: str | Path | IO[bytes], file_name: str | None = None, sheet: str = SHEET_ACTIONS
) -> SheetRows:
    """The actions sheet (or ``sheet``: the offers catalogue reads its own) of an XLSX, or a CSV: read by
    core.imports.read_table within its bounds (ImportRefused beyond them, and for an unreadable file)."""
    return read_table(source, file_name or Path(str(source)).name, sheet)
