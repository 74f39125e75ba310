"""What the map draws and lets people download: the territories of a phase as GeoJSON or CSV.

The polygons are ``Territory.geometry_simplified``: simplified for the whole phase at once with
``shapely.coverage_simplify`` at import, so neighbours keep their shared edges (no gap, no overlap)
and the whole phase weighs ~300 KB gzipped. Built once per process and data version.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import orjson
import shapely
from django.db.models import Prefetch
from django.urls import reverse
from shapely.geometry import mapping, shape

from core.exports import neutralize_row
from geo.models import Departement, Region
from territories.models import LineageStatus, Phase, Territory
from territories.services.geometry import round_coordinates

from .versioning import cached, territories_version

# Outlines of départements and régions: drawn as thin lines under the territories, so a coarser
# tolerance than the territories' is invisible and keeps them to ~100 KB.
OUTLINE_TOLERANCE = 0.01
MAP_STATUSES = [
    LineageStatus.NOUVEAU,
    LineageStatus.RECONDUIT,
    LineageStatus.ETENDU,
    LineageStatus.REDUIT,
    LineageStatus.RECOMPOSE,
]
# Names next to codes: a spreadsheet reader should not need the COG to read "11" or "reconduit".
CSV_COLUMNS = [
    "phase",
    "id",
    "nom",
    "statut",
    "statut_libelle",
    "region_principale",
    "region_principale_nom",
    "departement_principal",
    "departement_principal_nom",
    "regions",
    "regions_noms",
    "departements",
    "departements_noms",
    "population",
    "nombre_communes",
    "longitude",
    "latitude",
    "url",
]


class FilterError(ValueError):
    """A filter value that names nothing (French message for the user)."""


@dataclass(frozen=True)
class MapFilters:
    region: str = ""
    departement: str = ""
    statut: str = ""

    @classmethod
    def from_params(cls, params) -> MapFilters:
        """From query parameters; unknown values are refused with a message saying what is expected."""
        region = (params.get("region") or "").strip()
        departement = (params.get("departement") or "").strip().upper()
        statut = (params.get("statut") or "").strip()
        if region and not Region.objects.filter(code=region).exists():
            raise FilterError(
                f"Région « {region} » inconnue : attendu un code INSEE de région (par exemple 11)."
            )
        if departement and not Departement.objects.filter(code=departement).exists():
            raise FilterError(
                f"Département « {departement} » inconnu : attendu un code de département (par exemple 77 ou 2A)."
            )
        if statut and statut not in {s.value for s in MAP_STATUSES}:
            expected = ", ".join(s.value for s in MAP_STATUSES)
            raise FilterError(f"Statut « {statut} » inconnu : attendu l'un de {expected}.")
        return cls(region, departement, statut)

    def matches(self, properties: dict) -> bool:
        """A territory matches a région or département it touches (not only its principal one)."""
        return (
            (not self.region or self.region in properties["regions"])
            and (not self.departement or self.departement in properties["departements"])
            and (not self.statut or properties["statut"] == self.statut)
        )

    def as_params(self) -> dict:
        return {
            k: v
            for k, v in (
                ("region", self.region),
                ("departement", self.departement),
                ("statut", self.statut),
            )
            if v
        }


def _features(phase_code: str) -> list[dict]:
    # Neither the full-precision outlines nor the régions' and départements' are read here: decoding
    # their JSON took ~15 of the ~15 s this function took cold (measured for 2023-2027, loaded machine).
    territories = (
        Territory.objects.filter(phase_id=phase_code)
        .order_by("ti_id")
        .defer("geometry")
        .prefetch_related(
            Prefetch("regions", Region.objects.only("code")),
            Prefetch("departements", Departement.objects.only("code")),
        )
    )
    features = []
    for territory in territories:
        geometry = territory.geometry_simplified
        point = shapely.point_on_surface(shape(geometry)) if geometry else None
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": territory.ti_id,
                    "nom": territory.name,
                    "phase": phase_code,
                    "statut": territory.lineage_status,
                    "statut_libelle": territory.get_lineage_status_display()
                    if territory.lineage_status
                    else "",
                    "region": territory.principal_region_id or "",
                    "departement": territory.principal_departement_id or "",
                    "regions": sorted(r.code for r in territory.regions.all()),
                    "departements": sorted(d.code for d in territory.departements.all()),
                    "population": territory.population,
                    "communes": territory.commune_count,
                    "point": [round(point.x, 5), round(point.y, 5)] if point else None,
                    "url": reverse("public:territory", args=[phase_code, territory.ti_id]),
                },
            }
        )
    return features


def phase_features(phase: Phase) -> list[dict]:
    return cached(("features", phase.code), lambda: _features(phase.code), territories_version())


def filtered_features(phase: Phase, filters: MapFilters) -> list[dict]:
    return [f for f in phase_features(phase) if filters.matches(f["properties"])]


def geojson_bytes(features: list[dict]) -> bytes:
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def csv_text(features: list[dict], site_url: str) -> str:
    """One row per territory; a point inside each polygon for spreadsheet users; ``;`` for French Excel.

    Names can hold anything an official file holds: every row goes through ``neutralize_row``.
    """
    regions = dict(Region.objects.values_list("code", "name"))
    departements = dict(Departement.objects.values_list("code", "name"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for feature in features:
        p = feature["properties"]
        lon, lat = p["point"] or ("", "")
        writer.writerow(
            neutralize_row(
                [
                    p["phase"],
                    p["id"],
                    p["nom"],
                    p["statut"],
                    p["statut_libelle"],
                    p["region"],
                    regions.get(p["region"], ""),
                    p["departement"],
                    departements.get(p["departement"], ""),
                    ",".join(p["regions"]),
                    ", ".join(regions.get(code, code) for code in p["regions"]),
                    ",".join(p["departements"]),
                    ", ".join(departements.get(code, code) for code in p["departements"]),
                    p["population"],
                    p["communes"],
                    lon,
                    lat,
                    site_url + p["url"],
                ]
            )
        )
    return "\ufeff" + out.getvalue()  # BOM: Excel then reads UTF-8 accents correctly


def _outlines(level: str) -> bytes:
    model = Region if level == "regions" else Departement
    areas = [a for a in model.objects.order_by("code") if a.geometry]
    simplified = shapely.coverage_simplify([shape(a.geometry) for a in areas], OUTLINE_TOLERANCE)
    features = [
        {
            "type": "Feature",
            "properties": {"code": a.code, "nom": a.name},
            "geometry": round_coordinates(mapping(shapely.boundary(g)), 4),
        }
        for a, g in zip(areas, simplified, strict=False)
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def outlines_bytes(level: str) -> bytes:
    """Boundaries (lines) of every région or département, simplified together."""
    if level not in ("regions", "departements"):
        raise FilterError(f"Niveau « {level} » inconnu : attendu regions ou departements.")
    return cached(("outlines", level), lambda: _outlines(level), territories_version())


def area_outline(area) -> dict | None:
    """The outline of one région or département, as a GeoJSON feature (for its page's map)."""
    if not area.geometry:
        return None
    simplified = shapely.simplify(shape(area.geometry), OUTLINE_TOLERANCE / 2)
    return {
        "type": "Feature",
        "properties": {"code": area.code, "nom": area.name},
        "geometry": round_coordinates(mapping(simplified), 4),
    }
