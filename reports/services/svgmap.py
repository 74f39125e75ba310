"""The perimeter map of a territory as an SVG drawn on the server: no tiles, no script, the same in
the HTML sheet and in the PDF (WeasyPrint draws inline SVG).

The polygons are GeoJSON in WGS84 degrees. At the scale of a territory (a few tens of km) an
equirectangular projection with the longitude scaled by cos(latitude of the centre) is within a
fraction of a percent of Lambert-93 in shape: France "looks right" without pyproj. The drawing is
simplified in the projected plane to about one pixel (ti-1108: 16,000 vertices → a few hundred; the
SVG weighs ~10 KB instead of ~400 KB).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.affinity import affine_transform
from shapely.geometry import shape

WIDTH = 480  # SVG units (pixels at 96 dpi: 12.7 cm on the A4 sheet)
MAX_HEIGHT = 400
MARGIN = 8
# Tolerance of the simplification, in SVG units: half a pixel is invisible.
TOLERANCE = 0.5


@dataclass
class SvgMap:
    svg: str  # the <svg> element, safe to insert as is
    width: int
    height: int


def _project(geometry, cos_lat: float):
    """Degrees → a plane where one unit is the same distance east and north (y grows downward)."""
    return affine_transform(geometry, [cos_lat, 0, 0, -1, 0, 0])


def _path(geometry) -> str:
    """SVG path data of (Multi)Polygons, coordinates to 0.1 unit."""
    parts = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = list(ring.coords)
            if len(coords) < 4:
                continue
            points = " ".join(f"{x:.1f} {y:.1f}" for x, y in coords[:-1])
            parts.append(f"M{points}Z")
    return "".join(parts)


def territory_map(
    geometry: dict | None, context: list[dict] | None = None, label: str = ""
) -> SvgMap | None:
    """The territory's outline (filled), over the outlines of ``context`` (its départements, drawn
    as thin grey lines and cut to the frame). None when the territory has no polygon."""
    if not geometry:
        return None
    own = shape(geometry)
    if own.is_empty:
        return None
    centre = own.centroid
    cos_lat = math.cos(math.radians(centre.y))
    projected = _project(own, cos_lat)
    minx, miny, maxx, maxy = projected.bounds
    span_x, span_y = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    height = math.ceil(span_y * scale + 2 * MARGIN)

    def to_svg(geom):
        moved = affine_transform(
            _project(geom, cos_lat),
            [scale, 0, 0, scale, MARGIN - minx * scale, MARGIN - miny * scale],
        )
        return shapely.simplify(moved, TOLERANCE, preserve_topology=True)

    # The frame in degrees: the context's outlines are cut to it before anything else (a
    # département's full outline has ~10,000 vertices; its part in the frame a few hundred).
    frame = shapely.box(
        (minx - MARGIN / scale) / cos_lat,
        -(miny + (height - MARGIN) / scale),
        (minx + (WIDTH - MARGIN) / scale) / cos_lat,
        -(miny - MARGIN / scale),
    )
    background = []
    for item in context or []:
        if item:
            outline = shape(item).boundary.intersection(frame)
            background.append(_lines(to_svg(outline)))
    title = f"<title>{_escape(label)}</title>" if label else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{_escape(label)}" '
        f'class="ti-sheet-map">{title}'
        f'<rect width="{WIDTH}" height="{height}" fill="#f6f6f6"/>'
        + "".join(
            f'<path d="{d}" fill="none" stroke="#929292" stroke-width="1"/>'
            for d in background
            if d
        )
        + f'<path d="{_path(to_svg(own))}" fill="#000091" fill-opacity="0.25" stroke="#000091" '
        f'stroke-width="1.5" fill-rule="evenodd"/></svg>'
    )
    return SvgMap(svg, WIDTH, height)


LOCATOR_WIDTH = 160


def locator_map(
    area_geometry: dict | None, geometry: dict | None, label: str = ""
) -> SvgMap | None:
    """A small map of the territory's région (grey) with the territory on it (blue): where it is."""
    if not area_geometry or not geometry:
        return None
    area, own = shape(area_geometry), shape(geometry)
    if area.is_empty or own.is_empty:
        return None
    cos_lat = math.cos(math.radians(area.centroid.y))
    minx, miny, maxx, maxy = _project(area, cos_lat).bounds
    margin = 2
    scale = (LOCATOR_WIDTH - 2 * margin) / max(maxx - minx, 1e-9)
    height = min(math.ceil((maxy - miny) * scale + 2 * margin), 2 * LOCATOR_WIDTH)
    scale = min(scale, (height - 2 * margin) / max(maxy - miny, 1e-9))

    def to_svg(geom):
        moved = affine_transform(
            _project(geom, cos_lat),
            [scale, 0, 0, scale, margin - minx * scale, margin - miny * scale],
        )
        return shapely.simplify(moved, TOLERANCE, preserve_topology=True)

    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LOCATOR_WIDTH} {height}" '
        f'width="{LOCATOR_WIDTH}" height="{height}" role="img" aria-label="{_escape(label)}" '
        f'class="ti-sheet-locator"><title>{_escape(label)}</title>'
        f'<path d="{_path(to_svg(area))}" fill="#eeeeee" stroke="#666666" stroke-width="1" '
        f'fill-rule="evenodd"/>'
        f'<path d="{_path(to_svg(own))}" fill="#000091" stroke="#000091" stroke-width="1" '
        f'fill-rule="evenodd"/></svg>'
    )
    return SvgMap(svg, LOCATOR_WIDTH, height)


def _lines(geometry) -> str:
    parts = []
    for line in getattr(geometry, "geoms", [geometry]):
        if line.is_empty or line.geom_type not in ("LineString", "LinearRing"):
            continue
        coords = list(line.coords)
        if len(coords) >= 2:
            parts.append("M" + " ".join(f"{x:.1f} {y:.1f}" for x, y in coords))
    return "".join(parts)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
