"""Populate the reference geography from the current COG vintage and ANCT polygons (idempotent)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

from django.db import transaction
from tqdm import tqdm

from core.bulk import bulk_upsert
from geo import cog
from geo.models import Commune, Departement, Groupement, Region
from geo.sources import data_file
from geo.text import normalize_search

BATCH_SIZE = 2000


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"{table} : {count} lignes ({self.created.get(table, 0)} nouvelles)"
            for table, count in self.counts.items()
        ]


def _polygons(relative: str, key: str) -> dict[str, dict]:
    with open(data_file(relative), encoding="utf-8") as handle:
        collection = json.load(handle)
    return {feature["properties"][key]: feature["geometry"] for feature in collection["features"]}


def _upsert(model, rows: list, fields: list[str], report: LoadReport, progress: bool) -> None:
    """Insert or update ``rows`` by primary key, in one transaction for the table."""
    pk = model._meta.pk.name
    existing = set(model.objects.values_list(pk, flat=True))
    with transaction.atomic():
        batches = range(0, len(rows), BATCH_SIZE)
        for start in tqdm(
            batches, desc=model._meta.verbose_name_plural, disable=not progress, unit="lot"
        ):
            # PostgreSQL: through COPY (core/bulk.py; docs/performance.md, "Chargements en masse").
            bulk_upsert(rows[start : start + BATCH_SIZE], model, [pk], fields, BATCH_SIZE)
    report.counts[model._meta.verbose_name_plural] = len(rows)
    report.created[model._meta.verbose_name_plural] = sum(
        1 for row in rows if getattr(row, pk) not in existing
    )


def build_rows(vintage: cog.CogVintage, dep_shapes: dict, reg_shapes: dict) -> dict[str, list]:
    """Every row of the reference geography, built in memory before anything is written."""
    regions = [
        Region(
            code=c,
            name=r["nom"],
            geometry=reg_shapes.get(c),
            type_liaison=r.get("typeLiaison"),
        )
        for c, r in vintage.regions.items()
    ]
    departements = [
        Departement(
            code=c,
            name=d["nom"],
            region_id=d["region"],
            geometry=dep_shapes.get(c),
            type_liaison=d.get("typeLiaison"),
        )
        for c, d in vintage.departements.items()
    ]
    groupements = [
        Groupement(
            siren=g.siren,
            name=g.name,
            nature=g.nature,
            population=g.population,
            search_name=normalize_search(g.name),
        )
        for g in vintage.groupements.values()
    ]
    communes = [
        Commune(
            code=code,
            name=c["nom"],
            siren=c.get("siren"),
            postcodes=c.get("codesPostaux", []),
            population=c.get("population") or 0,
            departement_id=c["departement"],
            region_id=c["region"],
            epci_id=vintage.epci_of_commune.get(code),
            ept_id=vintage.ept_of_commune.get(code),
            search_name=normalize_search(c["nom"]),
        )
        for code, c in vintage.communes.items()
    ]
    return {
        "regions": regions,
        "departements": departements,
        "groupements": groupements,
        "communes": communes,
    }


def load_geo(progress: bool | None = None) -> LoadReport:
    """Load régions, départements, EPCI/EPT and communes of the current COG, with ANCT polygons.

    Everything is read and built before the first write, so a missing or broken file changes nothing.
    Re-running with the same data changes nothing.
    """
    if progress is None:
        progress = sys.stderr.isatty()
    vintage = cog.load_vintage(cog.CURRENT_VINTAGE)
    rows = build_rows(
        vintage,
        dep_shapes=_polygons("geo/departements.geojson", "insee_dep"),
        reg_shapes=_polygons("geo/regions.geojson", "insee_reg"),
    )
    report = LoadReport()
    _upsert(Region, rows["regions"], ["name", "geometry", "type_liaison"], report, progress)
    _upsert(
        Departement,
        rows["departements"],
        ["name", "region", "geometry", "type_liaison"],
        report,
        progress,
    )
    _upsert(
        Groupement,
        rows["groupements"],
        ["name", "nature", "population", "search_name"],
        report,
        progress,
    )
    _upsert(
        Commune,
        rows["communes"],
        [
            "name",
            "siren",
            "postcodes",
            "population",
            "departement",
            "region",
            "epci",
            "ept",
            "search_name",
        ],
        report,
        progress,
    )
    return report
