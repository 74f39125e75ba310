"""Point lookups over territory polygons: an in-memory shapely STRtree per phase, built once per process.

The index is rebuilt when the phase is re-imported (its ``imported_at`` changes). Building it for the
183 full-precision polygons of phase 2023-2027 takes ~0.3 s; a lookup then takes well under 1 ms.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import shapely
from shapely.geometry import Point, shape
from shapely.ops import nearest_points

from territories.models import Phase, Territory

EARTH_RADIUS_KM = 6371.0088


@dataclass
class PhaseIndex:
    version: object
    tree: shapely.STRtree
    geometries: list
    territories: list[dict]


_indexes: dict[str, PhaseIndex] = {}
_lock = threading.Lock()


def _build(phase: Phase) -> PhaseIndex:
    rows = (
        Territory.objects.filter(phase=phase)
        .exclude(geometry=None)
        .order_by("ti_id")
        .values("id", "ti_id", "name", "geometry")
    )
    territories, geometries = [], []
    for row in rows:
        geometry = shape(row.pop("geometry"))
        shapely.prepare(geometry)
        geometries.append(geometry)
        territories.append(row)
    return PhaseIndex(phase.imported_at, shapely.STRtree(geometries), geometries, territories)


def index_for(phase: Phase) -> PhaseIndex:
    with _lock:
        index = _indexes.get(phase.code)
        if index is None or index.version != phase.imported_at:
            index = _indexes[phase.code] = _build(phase)
        return index


def haversine_km(a: Point, b: Point) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def validate_point(lon: float, lat: float) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or any(map(math.isnan, (lon, lat))):
        raise ValueError(
            f"Coordonnées hors limites : longitude {lon}, latitude {lat} (attendu : longitude entre "
            f"-180 et 180, latitude entre -90 et 90, en degrés WGS 84)."
        )


def point_lookup(lon: float, lat: float, phase: Phase) -> dict:
    """Territories of ``phase`` containing the point; when none, the nearest one and its distance in km."""
    validate_point(lon, lat)
    index = index_for(phase)
    point = Point(lon, lat)
    found = [index.territories[i] for i in index.tree.query(point, predicate="intersects")]
    result = {
        "phase": phase.code,
        "territoires": [
            {"phase": phase.code, "id": t["ti_id"], "nom": t["name"]}
            for t in sorted(found, key=lambda t: t["ti_id"])
        ],
        "plus_proche": None,
    }
    if not found and index.territories:
        nearest = int(index.tree.nearest(point))
        on_polygon = nearest_points(index.geometries[nearest], point)[0]
        territory = index.territories[nearest]
        result["plus_proche"] = {
            "phase": phase.code,
            "id": territory["ti_id"],
            "nom": territory["name"],
            "distance_km": round(haversine_km(point, on_polygon), 1),
        }
    return result


def point_lookup_phases(lon: float, lat: float, phases: list[Phase]) -> dict:
    """The stable JSON answer of ``territoires lookup --point`` (and of the API): the territories of
    every phase in ``phases`` containing the point, and, for each phase where none does, the nearest."""
    results = [point_lookup(lon, lat, phase) for phase in phases]
    return {
        "point": {"longitude": lon, "latitude": lat},
        "territoires": [t for r in results for t in r["territoires"]],
        "plus_proches": [r["plus_proche"] for r in results if r["plus_proche"]],
    }
