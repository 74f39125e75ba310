"""Import one phase's territories from an ANCT file: atomic, idempotent, with a dry run."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from core.bulk import bulk_insert
from core.french import quantity
from core.imports import ImportRefused, Problem
from geo.models import Commune
from geo.text import normalize_search
from territories.importers.readers import FORMATS, read_source
from territories.importers.resolve import ResolvedTerritory, resolve
from territories.models import Phase, Territory, TerritoryCommune, TerritoryMember, UnmappedCommune
from territories.services import geometry as geometry_service
from territories.services.lineage import compute_lineage
from territories.services.sync import sync_rows


@dataclass
class ImportReport:
    phase: str
    file: str
    format: str
    vintage: int
    vintage_reason: str
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unresolved: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def summary(self) -> str:
        verb = "seraient" if self.dry_run else "ont été"
        return (
            f"{self.file} ({FORMATS[self.format].label}, {self.vintage_reason}) — phase {self.phase} : "
            f"{len(self.created)} territoires {verb} créés, {len(self.updated)} mis à jour, "
            f"{len(self.removed)} retirés, {len(self.unchanged)} inchangés."
        )


@dataclass
class _Figures:
    """What a territory's communes say about it: totals, and the département/région holding most inhabitants."""

    population: int
    commune_count: int
    principal_departement: str | None
    principal_region: str | None
    departements: list[str]
    regions: list[str]


def import_territories(
    path: Path | str,
    phase_code: str,
    cog_year: int | None = None,
    dry_run: bool = False,
    allow_unresolved: bool = False,
) -> ImportReport:
    """Import ``path`` into ``phase_code``. Raises ImportRefused (nothing written) on any problem.

    Idempotent: a territory whose content (name, members, communes, polygon, figures) is unchanged
    is not written, and a re-import of the same file writes nothing at all.
    """
    path = Path(path)
    phase = Phase.objects.filter(code=phase_code).first()
    if phase is None:
        known = ", ".join(Phase.objects.values_list("code", flat=True))
        raise ImportRefused(
            [Problem(path.name, f"phase « {phase_code} » inconnue", expected=known)]
        )
    if not path.is_file():
        raise ImportRefused([Problem(str(path), "fichier introuvable")])
    if not Commune.objects.exists():
        raise ImportRefused(
            [
                Problem(
                    path.name,
                    "la géographie de référence n'est pas chargée : lancez « territoires load-geo »",
                )
            ]
        )
    source = read_source(path)
    resolution = resolve(source, phase.start_date.year, cog_year)
    report = ImportReport(
        phase.code,
        path.name,
        source.format,
        resolution.vintage,
        resolution.vintage_reason,
        dry_run,
        warnings=list(resolution.warnings),
        unresolved=resolution.unresolved,
    )
    if resolution.unresolved and not allow_unresolved:
        raise ImportRefused(resolution.unresolved)
    if not source.has_geometry:
        report.warnings.insert(
            0,
            "ce fichier ne contient pas de contours : les contours d'un import GeoJSON "
            "antérieur de cette phase sont conservés ; la recherche par commune n'en a pas besoin",
        )
    communes = _current_communes(resolution.territories, path.name)
    _refuse_removing_territories_in_use(phase, resolution.territories, path.name)
    with transaction.atomic():
        _write(phase, resolution.territories, source.has_geometry, communes, report)
        if report.changed or phase.cog_year != resolution.vintage or phase.source_name != path.name:
            phase.cog_year = resolution.vintage
            phase.source_name = path.name
            phase.imported_at = timezone.now()
            phase.save(update_fields=["cog_year", "source_name", "imported_at"])
        if report.changed:
            compute_lineage()
        if dry_run:
            # Everything above ran (the report is the real one); the block rolls back on leaving.
            transaction.set_rollback(True)
    return report


def _refuse_removing_territories_in_use(
    phase: Phase, resolved: list[ResolvedTerritory], file: str
) -> None:
    """A territory missing from the file is removed, but not when other data hangs on it (an action plan,
    roles…): deleting would cascade to it. A partial or filtered file must not wipe a territory's work."""
    kept = {item.ti_id for item in resolved}
    missing = list(Territory.objects.filter(phase=phase).exclude(ti_id__in=kept))
    problems = []
    for territory in missing:
        dependants = _dependants(territory)
        if dependants:
            listed = ", ".join(f"{label} : {count}" for label, count in sorted(dependants.items()))
            problems.append(
                Problem(
                    file,
                    f"le territoire {territory.ti_id} ({territory.name}) est absent du fichier mais porte des données "
                    f"({listed}) : il n'est pas retiré",
                    expected="un fichier qui liste tous les territoires de la phase, ou ces données supprimées d'abord",
                )
            )
    if problems:
        raise ImportRefused(problems)


def _dependants(territory: Territory) -> dict[str, int]:
    """What deleting ``territory`` would also delete, outside the territories app's own tables."""
    collector = Collector(using=router.db_for_write(Territory))
    try:
        collector.collect([territory])
    except (ProtectedError, RestrictedError) as error:
        blocking = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        return {str(type(obj)._meta.verbose_name): 1 for obj in blocking}
    counts: dict[str, int] = defaultdict(int)
    for model, instances in collector.data.items():
        if model._meta.app_label != "territories":
            counts[str(model._meta.verbose_name)] += len(instances)
    for queryset in collector.fast_deletes:
        if queryset.model._meta.app_label != "territories" and (count := queryset.count()):
            counts[str(queryset.model._meta.verbose_name)] += count
    return dict(counts)


class _CommuneFacts(NamedTuple):
    population: int
    departement_id: str
    region_id: str


def _current_communes(resolved: list[ResolvedTerritory], file: str) -> dict[str, _CommuneFacts]:
    """What the figures need of every resolved commune; refused when the loaded geography lacks some (older load-geo)."""
    all_codes = {code for item in resolved for code in item.communes}
    # Every commune in one query (no "IN" list: SQLite caps its parameters), as tuples (18,000 models are slow).
    rows = Commune.objects.values_list("code", "population", "departement_id", "region_id")
    communes = {
        code: _CommuneFacts(*facts)
        for code, *facts in rows.iterator(chunk_size=5000)
        if code in all_codes
    }
    missing = sorted(all_codes - communes.keys())
    if missing:
        raise ImportRefused(
            [
                Problem(
                    file,
                    quantity(
                        len(missing),
                        "commune absente de la géographie chargée",
                        "communes absentes de la géographie chargée",
                    )
                    + f" ({', '.join(missing[:10])}"
                    f"{'…' if len(missing) > 10 else ''}) : relancez « territoires load-geo »",
                )
            ]
        )
    return communes


def _write(
    phase: Phase,
    resolved: list[ResolvedTerritory],
    has_geometry: bool,
    communes: dict[str, _CommuneFacts],
    report: ImportReport,
) -> None:
    territories = Territory.objects.filter(phase=phase)
    if (
        has_geometry
    ):  # the stored polygons are only needed to keep them (CSV); decoding them is slow
        territories = territories.defer("geometry", "geometry_simplified")
    existing = {t.ti_id: t for t in territories}
    # The new members and communes of every territory, written together at the end: ~20,000 rows each
    # for a phase, which PostgreSQL receives through COPY (core/bulk.py) instead of 183 INSERTs each.
    pending: dict[type, list] = {TerritoryMember: [], TerritoryCommune: []}
    for item in resolved:
        territory = existing.pop(item.ti_id, None)
        if has_geometry:
            geometry, reason = geometry_service.clean_polygon(item.geometry)
            if reason:
                report.warnings.append(f"{item.ti_id} : {reason}")
        else:
            # A CSV carries no polygon: keep what an earlier GeoJSON import of this phase gave.
            geometry = territory.geometry if territory is not None else None
        figures = _figures(item, communes)
        fingerprint = _fingerprint(item, geometry, figures)
        if territory is not None and territory.source_fingerprint == fingerprint:
            report.unchanged.append(item.ti_id)
            continue
        created = territory is None
        if created:
            territory = Territory(phase=phase, ti_id=item.ti_id)
            report.created.append(item.ti_id)
        else:
            report.updated.append(item.ti_id)
        territory.name = item.name
        territory.search_name = normalize_search(item.name)
        territory.source_fingerprint = fingerprint
        territory.geometry = geometry
        territory.population = figures.population
        territory.commune_count = figures.commune_count
        territory.principal_departement_id = figures.principal_departement
        territory.principal_region_id = figures.principal_region
        territory.save()
        _sync_children(territory, item, figures, created, pending)
    for model, rows in pending.items():
        bulk_insert(rows, model)
    for ti_id, territory in existing.items():
        report.removed.append(ti_id)
        territory.delete()
    if has_geometry and report.changed:
        _update_simplified(phase)


def _fingerprint(item: ResolvedTerritory, geometry: dict | None, figures: _Figures) -> str:
    content = {
        "name": item.name,
        "members": sorted(
            (m.siren, m.name, m.kind, m.legal_nature, m.groupement_siren or "", m.population)
            for m in item.members
        ),
        "communes": sorted(item.communes.items()),
        "unmapped": sorted(item.unmapped),
        "geometry": geometry,
        "figures": asdict(figures),  # they follow the loaded geography: a new load-geo updates them
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _figures(item: ResolvedTerritory, communes: dict[str, _CommuneFacts]) -> _Figures:
    rows = [communes[code] for code in item.communes]
    by_departement: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for commune in rows:
        for key, totals in (
            (commune.departement_id, by_departement),
            (commune.region_id, by_region),
        ):
            totals[key][0] += commune.population
            totals[key][1] += 1

    def principal(totals: dict[str, list[int]]) -> str | None:
        # Ties (equal population) go to the one with more communes, then to the smaller code: deterministic.
        return min(totals, key=lambda k: (-totals[k][0], -totals[k][1], k), default=None)

    return _Figures(
        sum(c.population for c in rows),
        len(rows),
        principal(by_departement),
        principal(by_region),
        sorted(by_departement),
        sorted(by_region),
    )


def _sync_children(
    territory: Territory,
    item: ResolvedTerritory,
    figures: _Figures,
    created: bool,
    pending: dict[type, list],
) -> None:
    """Bring members, communes and unmapped codes to what the file says, writing only the differences."""
    wanted_members = {
        m.siren: TerritoryMember(
            territory=territory,
            siren=m.siren,
            name=m.name,
            kind=m.kind,
            legal_nature=m.legal_nature,
            groupement_id=m.groupement_siren,
            population=m.population,
        )
        for m in item.members
    }
    current_members = {} if created else {m.siren: m for m in territory.members.all()}
    sync_rows(
        TerritoryMember,
        current_members,
        wanted_members,
        ["name", "kind", "legal_nature", "groupement_id", "population"],
        batch_size=200,
        pending=pending[TerritoryMember],
    )

    current_communes = (
        {}
        if created
        else dict(territory.territory_communes.values_list("commune_id", "source_code"))
    )
    gone = [
        code
        for code, source_code in current_communes.items()
        if item.communes.get(code) != source_code
    ]
    for start in range(0, len(gone), 500):
        territory.territory_communes.filter(commune_id__in=gone[start : start + 500]).delete()
    pending[TerritoryCommune].extend(
        TerritoryCommune(territory=territory, commune_id=code, source_code=source_code)
        for code, source_code in item.communes.items()
        if current_communes.get(code) != source_code
    )

    wanted_unmapped = set(item.unmapped)
    current_unmapped = (
        {}
        if created
        else {(u.source_code, u.source_name): u.pk for u in territory.unmapped_communes.all()}
    )
    UnmappedCommune.objects.filter(
        pk__in=[pk for key, pk in current_unmapped.items() if key not in wanted_unmapped]
    ).delete()
    UnmappedCommune.objects.bulk_create(
        [
            UnmappedCommune(territory=territory, source_code=code, source_name=name)
            for code, name in sorted(wanted_unmapped - current_unmapped.keys())
        ]
    )
    # set() only adds and removes the differences.
    territory.departements.set(figures.departements)
    territory.regions.set(figures.regions)


def _update_simplified(phase: Phase) -> None:
    territories = [t for t in Territory.objects.filter(phase=phase).order_by("ti_id") if t.geometry]
    simplified = geometry_service.simplify_coverage([t.geometry for t in territories])
    changed = []
    for territory, geometry in zip(territories, simplified, strict=False):
        if territory.geometry_simplified != geometry:
            territory.geometry_simplified = geometry
            changed.append(territory)
    # Outlines dropped by the new file lose their simplified version too.
    for territory in Territory.objects.filter(
        phase=phase, geometry__isnull=True, geometry_simplified__isnull=False
    ):
        territory.geometry_simplified = None
        changed.append(territory)
    Territory.objects.bulk_update(changed, ["geometry_simplified"], batch_size=50)
