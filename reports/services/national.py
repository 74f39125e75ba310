"""The national report: the figures of every région for the latest phase, as a PDF and an XLSX.

Every number comes from stats.services (through reports.services.figures): the régions' rows from
the comparison table of the dashboards, the national line from the national figures (never the sum
of the rows: a territory touching two régions counts once nationally).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.http import Http404

from core.exports import neutralize
from stats.definitions import DEFINITIONS
from territories.models import Phase

from . import figures

# (key in a row, header, key of stats.definitions.DEFINITIONS or "")
COLUMNS = [
    ("code", "Code", ""),
    ("nom", "Région", ""),
    ("territoires", "Territoires (rattachés)", "territoires_principal"),
    ("territoires_touching", "Territoires (touchant la région)", "territoires_touching"),
    ("communes", "Communes couvertes", "communes"),
    ("population", "Population couverte", "population"),
    ("nouveau", "Nouveaux", "filiation"),
    ("reconduit", "Reconduits", "filiation"),
    ("etendu", "Étendus", "filiation"),
    ("reduit", "Réduits", "filiation"),
    ("recompose", "Recomposés", "filiation"),
    ("actions", "Actions publiques", "actions"),
    ("sollicite", "Sollicité (€)", "sollicite"),
    ("accorde", "Accordé (€)", "accorde"),
    ("verse", "Versé (€)", "verse"),
]
MONEY = ("sollicite", "accorde", "verse")


@dataclass
class NationalReport:
    phase: Phase
    rows: list[dict]  # one per région, keys of COLUMNS
    total: dict  # the national line, same keys ("territoires_touching" is None: not additive)
    key: dict  # phase_key_figures

    @property
    def columns(self) -> list[tuple[str, str, str]]:
        return COLUMNS

    @property
    def table(self) -> list[list]:
        return [[row.get(key) for key, _, _ in COLUMNS] for row in [*self.rows, self.total]]

    @property
    def definitions(self) -> list[tuple[str, str]]:
        seen, result = set(), []
        for _, header, key in COLUMNS:
            if key and key not in seen and key in DEFINITIONS:
                seen.add(key)
                result.append((header.split(" (")[0], DEFINITIONS[key]))
        return result


def build_national_report() -> NationalReport:
    phase = figures.latest_phase()
    if phase is None:
        raise Http404("Aucune phase n'est encore importée.")
    data = figures.national_figures(phase)
    rows = []
    for row in data["regions"]:
        money = row["money"]
        rows.append({**row, **{k: money.get(k, Decimal(0)) for k in MONEY}})
    lineage = data["lineage"]
    total = {
        "code": "",
        "nom": "France (total national)",
        "territoires": data["key"]["territoires"],
        "territoires_touching": None,
        "communes": data["key"]["communes"],
        "population": data["key"]["population"],
        **{k: lineage.get(k, 0) for k in ("nouveau", "reconduit", "etendu", "reduit", "recompose")},
        "actions": data["actions"]["total"],
        **{k: data["money"]["total"][k] for k in MONEY},
    }
    return NationalReport(phase, rows, total, data["key"])


def write_xlsx(report: NationalReport, stream: IO[bytes]) -> None:
    """The régions' table and the definitions, text neutralised (core.exports), numbers as numbers."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(stream, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    money = workbook.add_format({"num_format": "#,##0"})
    sheet = workbook.add_worksheet("Régions")
    sheet.write_string(
        0, 0, neutralize(f"Territoires d'industrie — phase {report.phase.code}"), bold
    )
    for col, (_, header, _) in enumerate(COLUMNS):
        sheet.write_string(2, col, neutralize(header), bold)
        sheet.set_column(col, col, 28 if col == 1 else 14)
    for number, values in enumerate(report.table, start=3):
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(number, col, neutralize(value))
            else:  # written by type, never through write(): text never becomes a formula
                sheet.write_number(
                    number, col, float(value), money if COLUMNS[col][0] in MONEY else None
                )
    sheet.freeze_panes(3, 2)
    notes = workbook.add_worksheet("Définitions")
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 100)
    for number, (name, text) in enumerate(report.definitions):
        notes.write_string(number, 0, neutralize(name), bold)
        notes.write_string(number, 1, neutralize(text))
    workbook.close()
