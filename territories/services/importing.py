"""Import one phase's territories from an ANCT file: atomic, idempotent, with a dry run."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from geo.models import Commune
from geo.text import normalize_search
from territories.importers.problems import ImportRefused, Problem
from territories.importers.readers import FORMATS, read_source
from territories.importers.resolve import ResolvedTerritory, resolve
from territories.models import Phase, Territory, TerritoryCommune, TerritoryMember, UnmappedCommune
from territories.services import geometry as geometry_service
from territories.services.lineage import compute_lineage


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


class _DryRunRollback(Exception):
    pass


def import_territories(
    path: Path | str,
    phase_code: str,
    cog_year: int | None = None,
    dry_run: bool = False,
    allow_unresolved: bool = False,
) -> ImportReport:
    """Import ``path`` into ``phase_code``. Raises ImportRefused (nothing written) on any problem."""
    path = Path(path)
    phase = Phase.objects.filter(code=phase_code).first()
    if phase is None:
        known = ", ".join(Phase.objects.values_list("code", flat=True))
        raise ImportRefused([Problem(path.name, f"phase « {phase_code} » inconnue", expected=known)])
    if not path.is_file():
        raise ImportRefused([Problem(str(path), "fichier introuvable")])
    if not Commune.objects.exists():
        raise ImportRefused([Problem(path.name, "la géographie de référence n'est pas chargée : lancez « territoires load-geo »")])
    source = read_source(path)
    resolution = resolve(source, phase.start_date.year, cog_year)
    report = ImportReport(phase.code, path.name, source.format, resolution.vintage, resolution.vintage_reason, dry_run,
                          warnings=list(resolution.warnings), unresolved=resolution.unresolved)
    if resolution.unresolved and not allow_unresolved:
        raise ImportRefused(resolution.unresolved)
    if not source.has_geometry:
        report.warnings.insert(0, "ce fichier ne contient pas de contours : les contours d'un import GeoJSON "
                                  "antérieur de cette phase sont conservés ; la recherche par commune n'en a pas besoin")
    try:
        with transaction.atomic():
            _write(phase, resolution.territories, source.has_geometry, report)
            phase.cog_year = resolution.vintage
            phase.source_name = path.name
            phase.imported_at = timezone.now()
            phase.save()
            compute_lineage()
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _write(phase: Phase, resolved: list[ResolvedTerritory], has_geometry: bool, report: ImportReport) -> None:
    existing = {t.ti_id: t for t in Territory.objects.filter(phase=phase)}
    all_codes = {code for item in resolved for code in item.communes}
    communes = {c.code: c for c in Commune.objects.filter(code__in=all_codes).only("code", "population", "departement_id", "region_id")}
    cleaned = {}
    if has_geometry:
        for item in resolved:
            cleaned[item.ti_id], reason = geometry_service.clean_polygon(item.geometry)
            if reason:
                report.warnings.append(f"{item.ti_id} : {reason}")
    for item in resolved:
        fingerprint = _fingerprint(item, cleaned.get(item.ti_id) if has_geometry else None)
        territory = existing.pop(item.ti_id, None)
        if territory is not None and territory.source_fingerprint == fingerprint:
            report.unchanged.append(item.ti_id)
            continue
        if territory is None:
            territory = Territory(phase=phase, ti_id=item.ti_id)
            report.created.append(item.ti_id)
        else:
            report.updated.append(item.ti_id)
        territory.name = item.name
        territory.search_name = normalize_search(item.name)
        territory.source_fingerprint = fingerprint
        if has_geometry:
            territory.geometry = cleaned[item.ti_id]
        _set_figures(territory, item, communes)
        territory.save()
        _replace_children(territory, item, communes)
    for ti_id, territory in existing.items():
        report.removed.append(ti_id)
        territory.delete()
    if has_geometry:
        _update_simplified(phase)


def _fingerprint(item: ResolvedTerritory, geometry: dict | None) -> str:
    content = {
        "name": item.name,
        "members": sorted((m.siren, m.name, m.legal_nature, m.population) for m in item.members),
        "communes": sorted(item.communes.items()),
        "unmapped": sorted(item.unmapped),
        "geometry": geometry,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _set_figures(territory: Territory, item: ResolvedTerritory, communes: dict[str, Commune]) -> None:
    """Population, commune count, and the principal département/région: the one holding most inhabitants."""
    rows = [communes[code] for code in item.communes]
    territory.population = sum(c.population for c in rows)
    territory.commune_count = len(rows)
    by_departement: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for commune in rows:
        for key, totals in ((commune.departement_id, by_departement), (commune.region_id, by_region)):
            totals[key][0] += commune.population
            totals[key][1] += 1
    # Ties (equal population) go to the one with more communes, then to the smaller code: deterministic.
    territory.principal_departement_id = min(by_departement, key=lambda k: (-by_departement[k][0], -by_departement[k][1], k), default=None)
    territory.principal_region_id = min(by_region, key=lambda k: (-by_region[k][0], -by_region[k][1], k), default=None)
    territory._touching = (sorted(by_departement), sorted(by_region))


def _replace_children(territory: Territory, item: ResolvedTerritory, communes: dict[str, Commune]) -> None:
    territory.members.all().delete()
    territory.territory_communes.all().delete()
    territory.unmapped_communes.all().delete()
    TerritoryMember.objects.bulk_create([
        TerritoryMember(territory=territory, siren=m.siren, name=m.name, kind=m.kind, legal_nature=m.legal_nature,
                        groupement_id=m.groupement_siren, population=m.population)
        for m in item.members
    ])
    TerritoryCommune.objects.bulk_create([
        TerritoryCommune(territory=territory, commune_id=code, source_code=source_code)
        for code, source_code in item.communes.items()
    ])
    UnmappedCommune.objects.bulk_create([
        UnmappedCommune(territory=territory, source_code=code, source_name=name) for code, name in item.unmapped
    ])
    departements, regions = territory._touching
    territory.departements.set(departements)
    territory.regions.set(regions)


def _update_simplified(phase: Phase) -> None:
    territories = [t for t in Territory.objects.filter(phase=phase).order_by("ti_id") if t.geometry]
    simplified = geometry_service.simplify_coverage([t.geometry for t in territories])
    changed = []
    for territory, geometry in zip(territories, simplified):
        if territory.geometry_simplified != geometry:
            territory.geometry_simplified = geometry
            changed.append(territory)
    Territory.objects.bulk_update(changed, ["geometry_simplified"], batch_size=50)
