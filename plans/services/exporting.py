"""Export actions as the plan spreadsheet (XLSX or CSV), in the template's layout."""

from __future__ import annotations

from typing import IO

from django.db.models import QuerySet

from plans.models import Action
from plans.services.records import group_counts, load_records, record_to_row
from plans.spreadsheet import files
from plans.spreadsheet.columns import TEMPLATE_FUNDING_GROUPS, TEMPLATE_INDICATOR_GROUPS, layout


def export_actions(actions: QuerySet[Action], stream: IO[bytes], fmt: str) -> int:
    """Write ``actions`` (already limited to what the reader may see) to ``stream``; returns the row count."""
    if fmt not in files.FORMATS:
        raise ValueError(f"format inconnu : {fmt}")
    ordered = actions.order_by("plan__territory__phase", "plan__territory__ti_id", "code")
    records = [record for _, record in load_records(ordered)]
    counts = group_counts(records)
    sheet_layout = layout(
        max(TEMPLATE_FUNDING_GROUPS, counts["fundings"]),
        max(TEMPLATE_INDICATOR_GROUPS, counts["indicators"]),
    )
    rows = (record_to_row(record, sheet_layout) for record in records)
    (files.write_xlsx if fmt == "xlsx" else files.write_csv)(stream, sheet_layout, rows)
    return len(records)


def write_template(stream: IO[bytes], fmt: str = "xlsx") -> None:
    """The empty template: headers, « Listes » and « Lisez-moi » sheets, data validation."""
    (files.write_xlsx if fmt == "xlsx" else files.write_csv)(stream, layout(), iter(()))
