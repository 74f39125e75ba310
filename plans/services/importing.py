"""Import the plan spreadsheet (XLSX or CSV): all or nothing, upsert by action code, with a dry run.

Steps: read the header against the columns table; parse every row into a record; check the rules that
span cells (territory, unique code, date order, communes within the territory); if anything is wrong,
raise ImportRefused with every problem and write nothing. Otherwise compare with the actions already in
the plans and write only the differences, in one transaction (plans/services/applying.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from openpyxl.utils import get_column_letter

from core.french import quantity
from core.imports import MAX_PROBLEMS, ImportRefused, Problem, quote
from geo.text import normalize_search
from plans import validation
from plans.models import HEAVY_FIELDS, Action, ActionPlan
from plans.services.applying import apply_changes
from plans.services.records import FIELD_LABELS, differences, load_records
from plans.spreadsheet import cells, files
from plans.spreadsheet.columns import (
    ACTION_COLUMNS,
    GROUPS,
    TERRITORY_COLUMN,
    Column,
    PlacedColumn,
    known_headers,
)
from territories.models import Phase, Territory, TerritoryCommune

_GROUP_HEADER = re.compile(r"^(financement|indicateur) (\d{1,2}) (.+)$")
REQUIRED_HEADERS = [c for c in ACTION_COLUMNS if c.required]


@dataclass
class PlanChanges:
    """What an import does to one territory's plan."""

    territory: Territory
    plan: ActionPlan | None
    created: list[dict[str, Any]] = field(default_factory=list)  # records
    updated: list[tuple[Action, dict[str, Any], list[str]]] = field(
        default_factory=list
    )  # action, record, keys
    unchanged: list[str] = field(default_factory=list)
    untouched: list[str] = field(
        default_factory=list
    )  # in the plan, absent from the file: left alone

    @property
    def updated_summary(self) -> list[tuple[str, str, list[str]]]:
        return [
            (action.code, record["title"], [FIELD_LABELS[k] for k in keys])
            for action, record, keys in self.updated
        ]


@dataclass
class PlanImportReport:
    file: str
    phase: str
    dry_run: bool
    plans: list[PlanChanges] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(len(getattr(p, kind)) for p in self.plans)

    @property
    def changed(self) -> bool:
        return bool(self.count("created") or self.count("updated"))

    def summary(self) -> str:
        created, updated = self.count("created"), self.count("updated")
        unchanged, untouched = self.count("unchanged"), self.count("untouched")
        plans = quantity(len(self.plans), "plan", "plans")
        if self.dry_run:
            made = quantity(created, "action serait créée", "actions seraient créées")
            changed = quantity(updated, "serait modifiée", "seraient modifiées")
        else:
            made = quantity(created, "action créée", "actions créées")
            changed = quantity(updated, "modifiée", "modifiées")
        same = quantity(unchanged, "inchangée", "inchangées")
        absent = quantity(
            untouched,
            "absente du fichier laissée telle quelle",
            "absentes du fichier laissées telles quelles",
        )
        return f"{self.file} — phase {self.phase}, {plans} : {made}, {changed} ; {same}, {absent}."


class _Problems:
    """Collects problems with the sheet's location (file, sheet, row, column letter and header)."""

    def __init__(self, file_name: str, sheet_name: str):
        self.where = f"{file_name}, feuille « {sheet_name} »"
        self.items: list[Problem] = []
        self.total = (
            0  # items keeps the first MAX_PROBLEMS: a 20,000-row file can hold a million errors
        )

    def __bool__(self) -> bool:
        return self.total > 0

    def refusal(self) -> ImportRefused:
        return ImportRefused(self.items, total=self.total)

    def add(
        self,
        message: str,
        row: int | None = None,
        index: int | None = None,
        header: str | None = None,
        value: Any = None,
        expected: str | None = None,
    ) -> None:
        self.total += 1
        if len(self.items) >= MAX_PROBLEMS:
            return
        column = f"{get_column_letter(index + 1)} — {header}" if index is not None else header
        shown = None if value is None else quote(cells.raw_text(value))
        self.items.append(
            Problem(self.where, message, row=row, column=column, value=shown, expected=expected)
        )


def import_plans(
    source: str | Path | IO[bytes],
    phase_code: str,
    territory_id: str | None = None,
    dry_run: bool = False,
    user=None,
    file_name: str | None = None,
) -> PlanImportReport:
    name = file_name or Path(str(source)).name
    phase = Phase.objects.filter(code=phase_code).first()
    if phase is None:
        codes = ", ".join(Phase.objects.values_list("code", flat=True))
        raise ImportRefused([Problem(name, f"phase « {phase_code} » inconnue", expected=codes)])
    fixed = None
    if territory_id:
        fixed = (
            Territory.objects.filter(phase=phase, ti_id=territory_id).defer(*HEAVY_FIELDS).first()
        )
        if fixed is None:
            raise ImportRefused(
                [
                    Problem(
                        name,
                        f"territoire « {territory_id} » inconnu dans la phase {phase_code}",
                        expected="un identifiant ANCT de la phase, par exemple ti-1108",
                    )
                ]
            )
    # ImportRefused, in French, for an unreadable file or one beyond the bounds of core.imports.
    sheet = files.read_rows(source, name)
    problems = _Problems(sheet.file_name, sheet.sheet_name)
    mapping = _map_headers(sheet.headers, fixed is not None, problems)
    if problems:
        raise problems.refusal()
    records = _parse_rows(sheet, mapping, problems)
    territories = _resolve_territories(records, phase, fixed, problems)
    _check_rules(records, territories, problems)
    if problems:
        raise problems.refusal()

    return upsert_records(
        records,
        territories,
        PlanImportReport(sheet.file_name, phase.code, dry_run),
        user=user,
        reason=f"Import du fichier {sheet.file_name}",
    )


def upsert_records(
    records: list[dict],
    territories: dict[str, Territory],
    report: PlanImportReport,
    user=None,
    reason: str = "",
) -> PlanImportReport:
    """Compare checked records with the plans and, unless a dry run, write the differences atomically."""
    report.plans = _compare(records, territories)
    if not report.dry_run and report.changed:
        try:
            with transaction.atomic():
                apply_changes(report.plans, territories, user=user, reason=reason)
        except IntegrityError as error:
            # Another import (or a person) created one of these action codes, or this territory's plan,
            # between the comparison and the write: the unique constraints refuse the second writer.
            # Everything was rolled back; the person retries against the plan as it is now.
            raise ImportRefused(
                [
                    Problem(
                        report.file,
                        "conflit : une autre personne ou un autre import a créé entre-temps des actions "
                        "de même code dans ce plan ; rien n'a été enregistré",
                        expected="relancez l'import : il mettra à jour les actions désormais présentes",
                    )
                ]
            ) from error
    return report


def _map_headers(
    headers: list[str], territory_fixed: bool, problems: _Problems
) -> list[PlacedColumn | None]:
    by_text = known_headers()
    group_columns = {
        (g.title.lower(), normalize_search(c.header)): (g, c) for g in GROUPS for c in g.columns
    }
    mapping: list[PlacedColumn | None] = []
    seen: dict[tuple, int] = {}
    for index, header in enumerate(headers):
        key = normalize_search(header)
        placed = None
        if not key:
            mapping.append(
                None
            )  # an unnamed column (often Excel's trailing empty columns): ignored
            continue
        if key in by_text:
            placed = PlacedColumn(header, by_text[key])
        elif (match := _GROUP_HEADER.match(key)) and (
            match.group(1),
            match.group(3),
        ) in group_columns:
            group, column = group_columns[(match.group(1), match.group(3))]
            placed = PlacedColumn(header, column, group, int(match.group(2)))
        if placed is None:
            problems.add(
                "colonne inconnue",
                row=1,
                index=index,
                value=header,
                expected="un en-tête du modèle (voir la feuille « Lisez-moi »)",
            )
            mapping.append(None)
            continue
        identity = (
            placed.group.title if placed.group else None,
            placed.number,
            placed.column.field,
        )
        if identity in seen:
            problems.add(
                f"colonne en double (déjà en {get_column_letter(seen[identity] + 1)})",
                row=1,
                index=index,
                value=header,
                expected="chaque colonne une seule fois",
            )
        seen[identity] = index
        mapping.append(placed)
    present = {identity for identity in seen}
    required = REQUIRED_HEADERS + ([] if territory_fixed else [TERRITORY_COLUMN])
    for column in required:
        if (None, 0, column.field) not in present:
            problems.add(
                f"colonne obligatoire « {column.header} » absente",
                row=1,
                expected=f"une colonne intitulée « {column.header} »",
            )
    for group in GROUPS:
        for number in sorted({n for title, n, _ in present if title == group.title}):
            for column in group.columns:
                if column.required and (group.title, number, column.field) not in present:
                    problems.add(
                        f"colonne « {group.header(number, column)} » absente",
                        row=1,
                        expected=f"les colonnes obligatoires du groupe « {group.title} {number} »",
                    )
    return mapping


def _parse_rows(
    sheet: files.SheetRows, mapping: list[PlacedColumn | None], problems: _Problems
) -> list[dict]:
    """Records with their row number under "_row"; keys only for the columns present in the file."""
    # Performance: what depends only on the header (which column goes where, group defaults) is worked out
    # once instead of once per row; with the cache of plans/spreadsheet/cells.py, parsing 10,000 rows went
    # from 9.0 s to 6.0 s under cProfile (~2 s left without it; benchmarks/plans_bench.py rows).
    records = []
    group_fields = [
        group.record_field for group in GROUPS if any(p and p.group is group for p in mapping)
    ]
    scalars = [
        (index, placed)
        for index, placed in enumerate(mapping)
        if placed is not None and not placed.column.computed and placed.group is None
    ]
    grouped: dict[tuple, list[tuple[int, PlacedColumn]]] = {}
    for index, placed in enumerate(mapping):
        if placed is not None and not placed.column.computed and placed.group is not None:
            grouped.setdefault((placed.group.record_field, placed.number), []).append(
                (index, placed)
            )
    group_plans = []
    for (record_field, _), members in sorted(grouped.items()):
        group = next(g for g in GROUPS if g.record_field == record_field)
        defaults = [
            (c.field, c.default if c.default is not None else c.cell.blank()) for c in group.columns
        ]
        where = {placed.column.field: (index, placed.header) for index, placed in members}
        group_plans.append((record_field, members, defaults, where))
    is_blank, parse_cell = cells.is_blank, _parse_cell
    for number, values in sheet.rows:
        if all(is_blank(value) for value in values):
            continue
        size = len(values)
        record: dict[str, Any] = {"_row": number}
        for index, placed in scalars:
            raw = values[index] if index < size else None
            record[placed.column.field] = parse_cell(
                placed.column, raw, number, index, placed.header, problems
            )
        items: dict[str, list] = {key: [] for key in group_fields}
        for record_field, members, defaults, where in group_plans:
            raws = [values[index] if index < size else None for index, _ in members]
            if all(is_blank(raw) for raw in raws):
                continue  # an empty group: no financement / indicator there
            item = {
                placed.column.field: parse_cell(
                    placed.column, raw, number, index, placed.header, problems
                )
                for (index, placed), raw in zip(members, raws, strict=False)
            }
            for name, default in defaults:
                item.setdefault(name, default)
            item["_columns"] = dict(where)
            items[record_field].append(item)
        for key in group_fields:
            record[key] = tuple(items[key])
        records.append(record)
    return records


def _parse_cell(
    column: Column, raw: Any, row: int, index: int, header: str, problems: _Problems
) -> Any:
    try:
        return column.parse(raw)
    except cells.CellError as error:
        problems.add(
            error.message,
            row=row,
            index=index,
            header=header,
            value="" if raw is None else raw,
            expected=error.expected,
        )
        return None


def _resolve_territories(
    records: list[dict], phase: Phase, fixed: Territory | None, problems: _Problems
) -> dict[str, Territory]:
    by_id = {t.ti_id: t for t in Territory.objects.filter(phase=phase).defer(*HEAVY_FIELDS)}
    for record in records:
        given = record.get("territory") or ""
        if fixed is not None:
            if given and given != fixed.ti_id:
                problems.add(
                    "ligne d'un autre territoire que celui de l'import",
                    row=record["_row"],
                    header=TERRITORY_COLUMN.header,
                    value=given,
                    expected=f"« {fixed.ti_id} » ou une cellule vide",
                )
            record["territory"] = fixed.ti_id
        elif not given:
            problems.add(
                "territoire manquant",
                row=record["_row"],
                header=TERRITORY_COLUMN.header,
                value="",
                expected="l'identifiant ANCT du territoire, par exemple ti-1108",
            )
        elif given not in by_id:
            problems.add(
                f"territoire inconnu dans la phase {phase.code}",
                row=record["_row"],
                header=TERRITORY_COLUMN.header,
                value=given,
                expected="un identifiant ANCT de la phase",
            )
    used = {record.get("territory") for record in records}
    return {ti_id: territory for ti_id, territory in by_id.items() if ti_id in used}


def _check_rules(
    records: list[dict], territories: dict[str, Territory], problems: _Problems
) -> None:
    communes_by_territory: dict[int, set[str]] = {}
    for territory_pk, code in TerritoryCommune.objects.filter(
        territory__in=territories.values()
    ).values_list("territory_id", "commune__code"):
        communes_by_territory.setdefault(territory_pk, set()).add(code)
    first_row: dict[tuple[str, str], int] = {}
    for record in records:
        row, territory = record["_row"], territories.get(record.get("territory"))
        code = record.get("code")
        if code and territory:
            key = (territory.ti_id, code)
            if key in first_row:
                problems.add(
                    f"code d'action en double (déjà ligne {first_row[key]})",
                    row=row,
                    header="Code de l'action",
                    value=code,
                    expected="un code unique dans le plan",
                )
            first_row.setdefault(key, row)
        error = validation.date_order_error(
            record.get("start_date"), record.get("end_date"), "La date de début", "La date de fin"
        )
        if error:
            problems.add(
                error,
                row=row,
                header="Date de fin",
                value=record.get("end_date"),
                expected="une date de fin postérieure ou égale à la date de début",
            )
        if territory and record.get("communes"):
            outside = [
                c
                for c in record["communes"]
                if c not in communes_by_territory.get(territory.pk, set())
            ]
            if outside:
                problems.add(
                    "communes hors du territoire",
                    row=row,
                    header="Communes concernées (codes INSEE)",
                    value="; ".join(outside),
                    expected=f"des communes du territoire {territory.ti_id}",
                )
        for funding in record.get("fundings", ()):
            # Same rule as the screens (Funding.clean): empty granted / paid amounts of a granted or paid
            # line are filled in, so a file written before these columns existed keeps its meaning.
            granted, paid, amount_problems = validation.complete_funding_amounts(
                funding.get("amount"),
                funding.get("granted_amount"),
                funding.get("paid_amount"),
                funding.get("state") or "",
            )
            funding["granted_amount"], funding["paid_amount"] = granted, paid
            for name, message in amount_problems:
                index, header = funding["_columns"].get(name, (None, name))
                problems.add(
                    message,
                    row=row,
                    index=index,
                    header=header,
                    value=funding.get(name),
                    expected="des montants accordé et versé conformes à l'état du financement",
                )
            for start, end, start_label, end_label in (
                ("requested_on", "decided_on", "La date de sollicitation", "La date de décision"),
                ("decided_on", "paid_on", "La date de décision", "La date de versement"),
            ):
                error = validation.date_order_error(
                    funding.get(start), funding.get(end), start_label, end_label
                )
                if error:
                    index, header = funding["_columns"].get(end, (None, end))
                    problems.add(
                        error,
                        row=row,
                        index=index,
                        header=header,
                        value=funding.get(end),
                        expected="des dates dans l'ordre sollicité ≤ décidé ≤ versé",
                    )


def _keep_absent_funding_amounts(current: dict[str, Any], record: dict[str, Any]) -> None:
    """A file without the granted / paid columns leaves those amounts of the rows already there alone.

    _check_rules filled them in from the amount asked (the meaning of such a file); where the same
    position already holds a line of the same state and the same amount asked, its own amounts stay
    (an operator's decision granting less than asked must not be overwritten by an older spreadsheet).
    """
    for position, item in enumerate(record.get("fundings", ())):
        if position >= len(current.get("fundings", ())):
            break
        old = current["fundings"][position]
        if (old["state"], old["amount"]) != (item.get("state"), item.get("amount")):
            continue
        for name in ("granted_amount", "paid_amount"):
            if name not in item.get("_columns", {name: None}):
                item[name] = old[name]


def _compare(records: list[dict], territories: dict[str, Territory]) -> list[PlanChanges]:
    plans = {
        p.territory_id: p for p in ActionPlan.objects.filter(territory__in=territories.values())
    }
    existing: dict[int, dict[str, Action]] = {}
    current: dict[int, dict[str, Any]] = {}  # action pk -> record
    for action, current_record in load_records(Action.objects.filter(plan__in=plans.values())):
        existing.setdefault(action.plan.territory_id, {})[action.code] = action
        current[action.pk] = current_record
    changes = {ti_id: PlanChanges(t, plans.get(t.pk)) for ti_id, t in sorted(territories.items())}
    for record in records:
        plan_changes = changes[record["territory"]]
        action = existing.get(plan_changes.territory.pk, {}).get(record["code"])
        if action is None:
            plan_changes.created.append(record)
            continue
        _keep_absent_funding_amounts(current[action.pk], record)
        keys = differences(current[action.pk], record)
        if keys:
            plan_changes.updated.append((action, record, keys))
        else:
            plan_changes.unchanged.append(action.code)
    for plan_changes in changes.values():
        in_file = (
            {r["code"] for r in plan_changes.created}
            | set(plan_changes.unchanged)
            | {a.code for a, _, _ in plan_changes.updated}
        )
        plan_changes.untouched = sorted(set(existing.get(plan_changes.territory.pk, {})) - in_file)
    return list(changes.values())
