"""Territory polygons: cleaning what ANCT publishes, and the simplified coverage drawn on maps."""

from __future__ import annotations

import math

import shapely
from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape

# Degrees. Measured on phase 2023-2027 (183 polygons): 0.002 gives 300 KB gzipped for the whole
# phase in 0.2 s, topology kept (coverage still valid); 0.005 gives 223 KB; the cap is 600 KB.
SIMPLIFY_TOLERANCE = 0.002
# ~1 m at French latitudes: shared vertices round identically, so neighbours stay joined.
MAP_COORDINATE_DECIMALS = 5


def clean_polygon(geometry: dict | None) -> tuple[dict | None, str | None]:
    """Polygonal part of a source geometry, made valid; or None with the reason it was dropped."""
    if not geometry:
        return None, "pas de géométrie"
    try:
        geom = shapely.make_valid(shape(geometry))
    # A malformed polygon costs the territory its outline, not the whole import: shape() raises
    # any of these on unknown types, missing or badly nested coordinates.
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, ShapelyError) as error:
        return None, f"géométrie illisible ({error})"
    if geom.geom_type == "GeometryCollection":
        parts = [part for part in geom.geoms if part.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts) if parts else None
    if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        kind = geometry.get("type", "?") if isinstance(geometry, dict) else type(geometry).__name__
        return None, f"géométrie de type {kind} sans polygone (le territoire n'aura pas de contour)"
    if not all(math.isfinite(bound) for bound in geom.bounds):  # NaN/Infinity: not storable as JSON
        return None, "géométrie aux coordonnées non finies (NaN ou infini)"
    return mapping(geom), None


def simplify_coverage(geometries: list[dict]) -> list[dict]:
    """Simplify the polygons of one phase together, so that neighbours keep shared edges (no gap, no overlap)."""
    if not geometries:
        return []
    shapes = [shape(g) for g in geometries]
    simplified = shapely.coverage_simplify(shapes, SIMPLIFY_TOLERANCE)
    return [round_coordinates(mapping(s)) for s in simplified]


def round_coordinates(geometry: dict, decimals: int = MAP_COORDINATE_DECIMALS) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(v, decimals) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
