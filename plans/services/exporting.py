"""Export actions as the plan spreadsheet (XLSX or CSV), in the template's layout."""

from __future__ import annotations

from typing import IO

from django.db.models import Count, Max, QuerySet

from plans.models import Action, ActionPlan, Funding, Indicator
from plans.services.records import load_records, record_to_row
from plans.spreadsheet import files
from plans.spreadsheet.columns import TEMPLATE_FUNDING_GROUPS, TEMPLATE_INDICATOR_GROUPS, layout

PLANS_PER_BATCH = 200


def export_actions(actions: QuerySet[Action], stream: IO[bytes], fmt: str) -> int:
    """Write ``actions`` (already limited to what the reader may see) to ``stream``; returns the row count.

    Streamed: the widest financement and indicator groups (the sheet's columns) are counted by the
    database first, then the records go from load_records' chunks to the writer one by one. Holding
    every record to count them made the peak of Python's allocations grow with the export: 20.5 MB
    for 10,000 actions, 182 MB for the 100,000 of the 10x programme (CSV); streamed, 7.3 and 7.5 MB
    (benchmarks/scale_bench.py, docs/performance.md).
    """
    if fmt not in files.FORMATS:
        raise ValueError(f"format inconnu : {fmt}")
    selected = actions.order_by().values("pk")
    sheet_layout = layout(
        max(TEMPLATE_FUNDING_GROUPS, _widest(Funding, selected)),
        max(TEMPLATE_INDICATOR_GROUPS, _widest(Indicator, selected)),
    )
    count = 0

    def rows():
        nonlocal count
        for _, record in _records(actions):
            count += 1
            yield record_to_row(record, sheet_layout)

    (files.write_xlsx if fmt == "xlsx" else files.write_csv)(stream, sheet_layout, rows())
    return count


def _records(actions: QuerySet[Action]):
    """load_records of ``actions`` in the export's order (phase, territory, code), PLANS_PER_BATCH plans
    at a time: load_records keeps every plan (and its territory) it has met, which grew with the
    programme (2.4 MB more for 27,000 more actions over 540 more plans)."""
    plans = list(
        ActionPlan.objects.filter(pk__in=actions.order_by().values("plan_id"))
        .order_by("territory__phase", "territory__ti_id", "pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(plans), PLANS_PER_BATCH):
        batch = actions.filter(plan_id__in=plans[start : start + PLANS_PER_BATCH])
        yield from load_records(
            batch.order_by("plan__territory__phase", "plan__territory__ti_id", "code")
        )


def _widest(model, actions: QuerySet) -> int:
    """The most financements (or indicators) of one of ``actions``."""
    return (
        model.objects.filter(action__in=actions)
        .values("action")
        .annotate(number=Count("pk"))
        .aggregate(widest=Max("number"))["widest"]
        or 0
    )


def write_template(stream: IO[bytes], fmt: str = "xlsx") -> None:
    """The empty template: headers, « Listes » and « Lisez-moi » sheets, data validation."""
    (files.write_xlsx if fmt == "xlsx" else files.write_csv)(stream, layout(), iter(()))
