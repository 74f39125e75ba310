"""Writes of the catalogue: import a spreadsheet (all or nothing, upsert by identifier, dry run), save one
service, close one, export a selection.

Import steps, as for the action plans (plans/services/importing.py, whose problem collector is reused):
read the header against the column table; parse every row into a record; check what spans cells
(unique identifier, known operator the person may manage, phase, codes matching the scope, dates in
order); if anything is wrong, raise ImportRefused with every problem and write nothing. Otherwise
compare with the services already there and write only the differences, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction

from core.french import quantity
from core.imports import ImportRefused, Problem
from geo.models import Departement, Region
from geo.text import normalize_search
from offers.models import Operator, ScopeKind, Service, ServiceStatus
from offers.spreadsheet import files
from offers.spreadsheet.columns import COLUMNS, REQUIRED
from offers.spreadsheet.records import (
    FIELD_LABELS,
    catalogue_queryset,
    differences,
    record_to_row,
    service_record,
)
from plans.services.importing import _Problems
from plans.spreadsheet import cells
from territories.models import Phase, Territory


@dataclass
class CatalogueReport:
    file: str
    dry_run: bool
    created: list[dict[str, Any]] = field(default_factory=list)
    updated: list[tuple[Service, dict[str, Any], list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    @property
    def updated_summary(self) -> list[tuple[str, str, list[str]]]:
        return [
            (record["slug"], record["title"], [FIELD_LABELS[k] for k in keys])
            for _, record, keys in self.updated
        ]

    def summary(self) -> str:
        created, updated = len(self.created), len(self.updated)
        if self.dry_run:
            made = quantity(created, "service serait créé", "services seraient créés")
            changed = quantity(updated, "serait modifié", "seraient modifiés")
        else:
            made = quantity(created, "service créé", "services créés")
            changed = quantity(updated, "modifié", "modifiés")
        same = quantity(len(self.unchanged), "inchangé", "inchangés")
        return f"{self.file} : {made}, {changed} ; {same}."


# --- import ----------------------------------------------------------------------------------------------


def import_catalogue(
    source: str | Path | IO[bytes],
    dry_run: bool = False,
    user=None,
    file_name: str | None = None,
    operators: set[int] | None = None,
) -> CatalogueReport:
    """Import a catalogue file. ``operators``: ids of the operators the person may manage (None: all);
    a row of another operator, or one overwriting another operator's service, is refused."""
    name = file_name or Path(str(source)).name
    # ImportRefused, in French, for an unreadable file or one beyond the bounds of core.imports.
    sheet = files.read_rows(source, name)
    problems = _Problems(sheet.file_name, sheet.sheet_name)
    mapping = _map_headers(sheet.headers, problems)
    if problems:
        raise problems.refusal()
    records = _parse_rows(sheet, mapping, problems)
    where = {column.field: (index, column.header) for index, column in mapping.items()}
    slugs = [r["slug"] for r in records if r.get("slug")]
    existing = {s.slug: s for s in catalogue_queryset(Service.objects.filter(slug__in=slugs))}
    for record in records:
        if record.get("slug") in existing and record["_absent"]:
            current = service_record(existing[record["slug"]])
            record.update({name: current[name] for name in record["_absent"]})
    _check_rules(records, where, existing, operators, problems)
    if problems:
        raise problems.refusal()
    report = CatalogueReport(sheet.file_name, dry_run)
    for record in records:
        service = existing.get(record["slug"])
        if service is None:
            report.created.append(record)
            continue
        keys = differences(record, service_record(service))
        if keys:
            report.updated.append((service, record, keys))
        else:
            report.unchanged.append(record["slug"])
    if not dry_run and report.changed:
        reason = f"Import du fichier {sheet.file_name}"
        try:
            with transaction.atomic():
                for record in report.created:
                    save_record(record, user=user, reason=reason)
                for service, record, _ in report.updated:
                    save_record(record, service, user=user, reason=reason)
        except IntegrityError as error:
            raise ImportRefused(
                [
                    Problem(
                        report.file,
                        "conflit : un service de même identifiant a été créé entre-temps ; rien n'a "
                        "été enregistré",
                        expected="relancez l'import : il mettra à jour les services désormais présents",
                    )
                ]
            ) from error
    return report


def _map_headers(headers: list[str], problems: _Problems) -> dict[int, Any]:
    by_text = {normalize_search(column.header): column for column in COLUMNS}
    mapping: dict[int, Any] = {}
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = normalize_search(header)
        if not key:
            continue  # an unnamed column (often Excel's trailing empty columns): ignored
        column = by_text.get(key)
        if column is None:
            problems.add(
                "colonne inconnue",
                row=1,
                index=index,
                header=header,
                value=header,
                expected="un en-tête du modèle (voir la feuille « Lisez-moi »)",
            )
            continue
        if column.field in seen:
            problems.add(
                f"colonne en double (déjà en colonne {seen[column.field] + 1})",
                row=1,
                index=index,
                header=header,
                value=header,
                expected="chaque colonne une seule fois",
            )
            continue
        seen[column.field] = index
        mapping[index] = column
    for column in REQUIRED:
        if column.field not in seen:
            problems.add(
                f"colonne obligatoire « {column.header} » absente",
                row=1,
                expected=f"une colonne intitulée « {column.header} »",
            )
    return mapping


def _parse_rows(sheet: files.SheetRows, mapping: dict[int, Any], problems: _Problems) -> list[dict]:
    """Complete records with "_row": a column absent from the file takes its blank value here, and an
    existing service's own value in import_catalogue (a partial file changes only its columns)."""
    absent = [column for column in COLUMNS if column not in mapping.values()]
    records = []
    for number, values in sheet.rows:
        if all(cells.is_blank(value) for value in values):
            continue
        record: dict[str, Any] = {"_row": number}
        for index, column in mapping.items():
            raw = values[index] if index < len(values) else None
            try:
                record[column.field] = column.parse(raw)
            except cells.CellError as error:
                problems.add(
                    error.message,
                    row=number,
                    index=index,
                    header=column.header,
                    value="" if raw is None else raw,
                    expected=error.expected,
                )
                record[column.field] = None
        record["_absent"] = [column.field for column in absent]
        for column in absent:
            record[column.field] = column.parse(None)
        records.append(record)
    return records


@dataclass
class Lookups:
    """What the cross-cell rules look up, loaded once per import (or form)."""

    operators: dict[str, Operator]
    phases: set[str]
    regions: set[str]
    departements: set[str]
    territory_ids: set[tuple[str, str]]

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            operators={o.slug: o for o in Operator.objects.all()},
            phases=set(Phase.objects.values_list("code", flat=True)),
            regions=set(Region.objects.values_list("code", flat=True)),
            departements=set(Departement.objects.values_list("code", flat=True)),
            territory_ids=set(Territory.objects.values_list("phase_id", "ti_id")),
        )


def record_problems(
    record: dict, lookups: Lookups, allowed: set[int] | None, current: Service | None
) -> list[tuple[str, str, str, str]]:
    """(field, message, value, expected) of every rule spanning cells that ``record`` breaks; sets
    ``record["_operator"]``. ``current``: the service of the same identifier, if any."""
    found: list[tuple[str, str, str, str]] = []

    def add(name, message, value, expected):
        found.append((name, message, value, expected))

    operator_slug = record.get("operator")
    operator = lookups.operators.get(operator_slug) if operator_slug else None
    if operator_slug and operator is None:
        add(
            "operator",
            "opérateur inconnu",
            operator_slug,
            "l'identifiant d'un opérateur (feuille « Lisez-moi »)",
        )
    elif operator and allowed is not None and operator.pk not in allowed:
        add(
            "operator",
            "vous ne gérez pas les services de cet opérateur",
            operator_slug,
            "l'identifiant de votre opérateur",
        )
    record["_operator"] = operator
    if current and allowed is not None and current.operator_id not in allowed:
        add(
            "slug",
            "cet identifiant est celui d'un service d'un autre opérateur",
            record["slug"],
            "un identifiant qui n'est pas déjà pris",
        )
    phase = record.get("phase")
    if phase and phase not in lookups.phases:
        add("phase", "phase inconnue", phase, ", ".join(sorted(lookups.phases)))
    _check_codes(record, add, lookups)
    opens, closes = record.get("opens_on"), record.get("closes_on")
    if opens and closes and closes < opens:
        add(
            "closes_on",
            "clôture avant l'ouverture",
            closes.isoformat(),
            f"une date postérieure ou égale au {opens.isoformat()}",
        )
    return found


def _check_rules(
    records: list[dict],
    where: dict[str, tuple[int, str]],
    existing: dict[str, Service],
    allowed: set[int] | None,
    problems: _Problems,
) -> None:
    """Rules that span cells (``existing``: the services already there, by identifier)."""
    lookups = Lookups.load()
    seen: dict[str, int] = {}
    for record in records:
        found = []
        slug = record.get("slug")
        if slug:
            if slug in seen:
                found.append(
                    (
                        "slug",
                        f"identifiant en double (déjà en ligne {seen[slug]})",
                        slug,
                        "un identifiant différent pour chaque service",
                    )
                )
            seen.setdefault(slug, record["_row"])
        found += record_problems(record, lookups, allowed, existing.get(slug) if slug else None)
        for name, message, value, expected in found:
            index, header = where.get(name, (None, FIELD_LABELS.get(name, name)))
            problems.add(
                message,
                row=record["_row"],
                index=index,
                header=header,
                value=value,
                expected=expected,
            )


def _check_codes(record, add, lookups: Lookups) -> None:
    scope, codes = record.get("scope"), record.get("codes") or ()
    if scope is None:
        return
    if scope == ScopeKind.NATIONAL:
        if codes:
            add(
                "codes",
                "codes donnés pour un périmètre national",
                "; ".join(codes),
                "une cellule vide, ou un autre périmètre (régions, départements, territoires)",
            )
        return
    if not codes:
        add(
            "codes",
            f"aucun code pour le périmètre « {ScopeKind(scope).label} »",
            "",
            "au moins un code",
        )
        return
    if scope == ScopeKind.REGIONS:
        unknown = [c for c in codes if c not in lookups.regions]
        expected = "des codes INSEE de régions, par exemple 11; 32"
    elif scope == ScopeKind.DEPARTEMENTS:
        unknown = [c for c in codes if c not in lookups.departements]
        expected = "des codes INSEE de départements, par exemple 59; 2A"
    else:
        phase = record.get("phase")
        if not phase:
            add(
                "phase",
                "phase manquante pour un périmètre de territoires",
                "",
                "le code de la phase des territoires, par exemple 2023-2027",
            )
            return
        if phase not in lookups.phases:
            return  # already reported
        unknown = [c for c in codes if (phase, c) not in lookups.territory_ids]
        expected = f"des identifiants de territoires de la phase {phase}, par exemple ti-1108"
    if unknown:
        add("codes", f"code inconnu « {unknown[0]} »", "; ".join(codes), expected)


# --- writes ----------------------------------------------------------------------------------------------


def save_record(
    record: dict[str, Any], service: Service | None = None, user=None, reason: str = ""
):
    """Create or update one service from a checked record (its M2M scope included), journalled."""
    service = service or Service(slug=record["slug"])
    operator = record.get("_operator") or Operator.objects.get(slug=record["operator"])
    service.title = record["title"]
    service.operator = operator
    service.axes = list(record["axes"])
    service.kind = record["kind"]
    service.description = record["description"]
    service.applicants = list(record["applicants"])
    service.scope = record["scope"]
    service.phase_id = record["phase"] or None
    service.opens_on = record["opens_on"]
    service.closes_on = record["closes_on"]
    service.envelope = record["envelope"]
    service.amount_or_rate = record["amount_or_rate"]
    service.link = record["link"]
    service.source = record["source"]
    service.status = record["status"]
    service._history_user = user
    service._change_reason = reason
    service.save()
    set_scope(service, record["codes"])
    return service


def set_scope(service: Service, codes) -> None:
    """The M2M of the service's scope get ``codes``; the others are emptied."""
    codes = list(codes or ())
    scope = service.scope
    service.regions.set(Region.objects.filter(code__in=codes) if scope == ScopeKind.REGIONS else [])
    service.departements.set(
        Departement.objects.filter(code__in=codes) if scope == ScopeKind.DEPARTEMENTS else []
    )
    service.territories.set(
        Territory.objects.filter(phase_id=service.phase_id, ti_id__in=codes)
        if scope == ScopeKind.TERRITOIRES
        else []
    )


def close_service(service: Service, user=None) -> bool:
    """Status « fermé »; False when it already was."""
    if service.status == ServiceStatus.FERME:
        return False
    service.status = ServiceStatus.FERME
    service._history_user = user
    service._change_reason = "Service fermé"
    service.save()
    return True


# --- export ----------------------------------------------------------------------------------------------


def export_catalogue(services, stream: IO[bytes], fmt: str) -> int:
    """Write ``services`` (a queryset) as the catalogue spreadsheet; returns the row count."""
    records = [service_record(s) for s in catalogue_queryset(services).order_by("slug")]
    operators = Operator.objects.order_by("slug").values_list("slug", "name")
    files.write(stream, fmt, (record_to_row(r) for r in records), operators)
    return len(records)
