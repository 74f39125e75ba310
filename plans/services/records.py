"""An action as a *record*: the plain values of one spreadsheet row (see plans/spreadsheet/columns.py).

Exports turn actions into records then rows; imports turn rows into records, compare them with the
records of the actions already in the plan (equal records: nothing to write) and apply the differences.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db.models import Prefetch, QuerySet

from plans.models import (
    GRANTED_STATES,
    HEAVY_FIELDS,
    Action,
    ActionPlan,
    FollowUpNote,
    Funding,
    FundingState,
    Indicator,
    IndicatorValue,
)
from plans.spreadsheet.columns import (
    ACTION_COLUMNS,
    FUNDING_COLUMNS,
    FUNDING_GROUP,
    INDICATOR_COLUMNS,
    INDICATOR_GROUP,
    Layout,
)

# Action model fields written directly from a record (the other record keys need their own handling).
SPECIAL_FIELDS = {"territory", "territory_name", "communes", "notes"}
SCALAR_FIELDS = [
    c.field for c in ACTION_COLUMNS if not c.computed and c.field not in SPECIAL_FIELDS
]
FUNDING_FIELDS = [c.field for c in FUNDING_COLUMNS]
INDICATOR_FIELDS = [c.field for c in INDICATOR_COLUMNS if c.field != "values"]
# What an import compares and may change, in the spreadsheet's order.
COMPARED_KEYS = [c.field for c in ACTION_COLUMNS if not c.computed and c.field != "territory"] + [
    "fundings",
    "indicators",
]
FIELD_LABELS = {c.field: c.header for c in ACTION_COLUMNS} | {
    "fundings": "Financements",
    "indicators": "Indicateurs",
}


def with_record_relations(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Everything action_to_record reads, in a constant number of queries."""
    # The territory's contours are large JSON documents: decoding them per action cost seconds (profiled).
    heavy = [f"plan__territory__{name}" for name in HEAVY_FIELDS]
    return (
        actions.select_related("plan__territory")
        .defer(*heavy)
        .prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.order_by("position", "id")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("position", "id").prefetch_related("values"),
            ),
            Prefetch("notes", queryset=FollowUpNote.objects.order_by("date", "id")),
            "communes__commune",
        )
    )


def funding_record(funding: Funding) -> dict[str, Any]:
    return {name: getattr(funding, name) for name in FUNDING_FIELDS}


def indicator_record(indicator: Indicator) -> dict[str, Any]:
    record = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
    record["values"] = tuple(sorted((v.date, v.value) for v in indicator.values.all()))
    return record


def action_to_record(action: Action) -> dict[str, Any]:
    """The record of one action whose relations are loaded (with_record_relations); see also load_records."""
    return _build_record(
        action,
        [funding_record(f) for f in action.fundings.all()],
        [indicator_record(i) for i in action.indicators.all()],
        [tc.commune.code for tc in action.communes.all()],
        [(note.date, note.text) for note in action.notes.all()],
    )


def _build_record(
    action: Action,
    fundings: list[dict],
    indicators: list[dict],
    communes: list[str],
    notes: list[tuple],
) -> dict[str, Any]:
    territory = action.plan.territory
    record: dict[str, Any] = {name: getattr(action, name) for name in SCALAR_FIELDS}
    granted = sum(
        (f["granted_amount"] or 0 for f in fundings if f["state"] in GRANTED_STATES), Decimal(0)
    )
    paid = sum(
        (f["paid_amount"] or 0 for f in fundings if f["state"] == FundingState.VERSE), Decimal(0)
    )
    record.update(
        territory=territory.ti_id,
        territory_name=territory.name,
        communes=tuple(sorted(communes)),
        notes=tuple(sorted(notes)),
        fundings=tuple(fundings),
        indicators=tuple(indicators),
        amount_granted=granted if fundings else None,
        amount_paid=paid if fundings else None,
        financing_rate=round(float(granted / action.total_cost), 4) if action.total_cost else None,
        is_late=action.is_late,
    )
    return record


def load_records(
    actions: QuerySet[Action], chunk_size: int = 2000
) -> Iterator[tuple[Action, dict[str, Any]]]:
    """(action, record) for every action of the queryset, in its order: what action_to_record gives.

    Performance (benchmarks/plans_bench.py, 10,000 actions): prefetch_related built one queryset per action
    and relation (50,000 clones) and a model instance per financement, indicator, value, note and commune;
    loading the relations as plain tuples, 5 queries per chunk of actions grouped by action id in Python,
    took the CSV export from 11.2 s to 4.1 s and the XLSX export from 14.9 s to 8.4 s (most of the gain of
    the re-imports too). The actions themselves stay model instances (an import updates them).
    """
    # Plans and territories once each, not a joined copy per action: 20,000 model instances fewer, loading
    # 10,000 actions 2.5 s -> 1.7 s.
    plans: dict[int, ActionPlan] = {}
    iterator = actions.iterator(chunk_size=chunk_size)
    while chunk := list(islice(iterator, chunk_size)):
        missing = {action.plan_id for action in chunk} - plans.keys()
        if missing:
            plans.update(
                (plan.pk, plan)
                for plan in ActionPlan.objects.filter(pk__in=missing)
                .select_related("territory")
                .defer(*(f"territory__{name}" for name in HEAVY_FIELDS))
            )
        for action in chunk:
            action.plan = plans[action.plan_id]
        ids = [action.pk for action in chunk]
        fundings: dict[int, list[dict]] = {}
        for action_id, *values in (
            Funding.objects.filter(action_id__in=ids)
            .order_by("action_id", "position", "id")
            .values_list("action_id", *FUNDING_FIELDS)
        ):
            fundings.setdefault(action_id, []).append(
                dict(zip(FUNDING_FIELDS, values, strict=False))
            )
        measures: dict[int, list[tuple]] = {}
        for indicator_id, when, value in IndicatorValue.objects.filter(
            indicator__action_id__in=ids
        ).values_list("indicator_id", "date", "value"):
            measures.setdefault(indicator_id, []).append((when, value))
        indicators: dict[int, list[dict]] = {}
        for indicator_id, action_id, *values in (
            Indicator.objects.filter(action_id__in=ids)
            .order_by("action_id", "position", "id")
            .values_list("id", "action_id", *INDICATOR_FIELDS)
        ):
            item = dict(zip(INDICATOR_FIELDS, values, strict=False))
            item["values"] = tuple(sorted(measures.get(indicator_id, ())))
            indicators.setdefault(action_id, []).append(item)
        communes: dict[int, list[str]] = {}
        for action_id, code in Action.communes.through.objects.filter(
            action_id__in=ids
        ).values_list("action_id", "territorycommune__commune__code"):
            communes.setdefault(action_id, []).append(code)
        notes: dict[int, list[tuple]] = {}
        for action_id, when, text in FollowUpNote.objects.filter(action_id__in=ids).values_list(
            "action_id", "date", "text"
        ):
            notes.setdefault(action_id, []).append((when, text))
        for action in chunk:
            pk = action.pk
            yield (
                action,
                _build_record(
                    action,
                    fundings.get(pk, []),
                    indicators.get(pk, []),
                    communes.get(pk, []),
                    notes.get(pk, []),
                ),
            )


def _public(value: Any) -> Any:
    """Group items without the import's bookkeeping keys (``_columns``)."""
    if isinstance(value, tuple) and value and isinstance(value[0], dict):
        return tuple({k: v for k, v in item.items() if not k.startswith("_")} for item in value)
    return value


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The keys of ``new`` whose values differ from ``old`` (Decimal("1.50") equals Decimal("1.5")).

    A column absent from an imported file is absent from its records: that field is left alone.
    """
    return [
        key for key in COMPARED_KEYS if key in new and _public(old.get(key)) != _public(new[key])
    ]


def record_to_row(record: dict[str, Any], layout: Layout) -> list[Any]:
    row = []
    for placed in layout.columns:
        if placed.group is None:
            value = record.get(placed.column.field)
        else:
            items = record.get(placed.group.record_field, ())
            value = (
                items[placed.number - 1].get(placed.column.field)
                if placed.number <= len(items)
                else None
            )
        row.append(placed.column.cell.format(value) if value is not None else None)
    return row


def group_counts(records: list[dict[str, Any]]) -> dict[str, int]:
    return {
        group.record_field: max((len(r[group.record_field]) for r in records), default=0)
        for group in (FUNDING_GROUP, INDICATOR_GROUP)
    }
