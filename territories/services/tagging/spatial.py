"""Points to territories, in bulk: the full-precision polygons of one phase against chunks of points.

For each chunk (``tagging.CHUNK_POINTS`` points), each prepared territory polygon is asked which of the points in its
bounding box it holds (``within_boxes``: the points sorted by longitude once, a binary search and a
latitude mask per polygon, then shapely's vectorised ``intersects_xy``). An STRtree built on the points
and queried with the prepared polygons (measured 5-10x faster than querying a tree of polygons with each
point, issue 14) took 4-5x longer than this (CPU: 0.15 s instead of 0.036 s for 100,000 points, 2.19 s
instead of 0.43 s for 1,001,000), with the same pairs: building the points and their tree cost more
than the bounding boxes' filter. A point outside every territory then gets:

- « hors de France » when it lies farther than FRANCE_MARGIN_KM from every région (the régions' contours,
  simplified, of geo.Region: a point at sea off the coast stays « in France »);
- otherwise the nearest territory and its distance in km (see ``Segments`` for how, and the precision).

This module imports no Django: a pool of worker processes (``multiprocessing``) is initialised once with
the polygons as WKB and then only receives arrays of coordinates.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

# Territorial waters: 12 nautical miles. A point within this distance of a région (at sea off Brittany,
# or just across a land border: the régions are the only contours the platform holds) is tagged with its
# nearest territory; beyond it, « hors de France ».
FRANCE_MARGIN_KM = 22.224
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def parse_coordinate(text: str) -> float:
    """A coordinate cell as a float: « 2.878 », « 2,878 » (decimal comma), « -4,1 »; NaN when it is not
    a number."""
    try:
        return float(text)  # the usual cell, « 2.878 »: 0.3 µs instead of 1.5
    except ValueError:
        pass
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text.startswith("'"):  # a cell neutralised by a previous export
        text = text[1:]
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return math.nan


def valid_mask(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)


# Points measured at once against the segments near them: bounds the (point, segment) pairs held in
# memory (~80 per point at the median 19 km from a territory, ~150 bytes each with the temporaries:
# 10,000 points held ~120 MB, 2,000 hold ~25 MB, for the same time).
NEAREST_BATCH = 2_000
# The grid of ``Segments._cell_candidates``, in degrees.
CELL_DEGREES = 0.05


def haversine_km(lon1, lat1, lon2, lat2):
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


class Segments:
    """The contours of some polygons cut into their segments, in an STRtree, for nearest-contour queries.

    Measured on 67,000 points outside the territories of 2023-2027: shapely's ``query_nearest`` on the
    full-precision polygons took 14.5 s (each candidate polygon measured whole: thousands of vertices,
    and large envelopes that overlap, so many candidates); on their 50,000 segments, well under 1 s.
    """

    def __init__(self, geometries: np.ndarray):
        parts, owner = shapely.get_parts(shapely.boundary(geometries), return_index=True)
        coords, line = shapely.get_coordinates(parts, return_index=True)
        same_line = line[1:] == line[:-1]
        start, end = coords[:-1][same_line], coords[1:][same_line]
        self.owner = owner[line[:-1][same_line]]
        # x1, y1, dx, dy of each segment, in one array: one gather per batch of pairs.
        self.table = np.column_stack([start, end - start])
        self.tree = shapely.STRtree(shapely.linestrings(np.stack([start, end], axis=1)))
        self._cells: dict[int, int] = {}  # grid cell -> a segment near its centre

    def km(self, lon: np.ndarray, lat: np.ndarray, segment: np.ndarray) -> np.ndarray:
        """Distance in km from each point to its segment, the Earth taken as flat around the point
        (equirectangular at the point's latitude: to rank the candidates)."""
        return self._closest(lon, lat, segment)[0]

    def _closest(self, lon, lat, segment):
        """(km, longitude, latitude of the segment's point closest to each point)."""
        scale = np.cos(np.radians(lat))
        rows = self.table[segment]
        x1 = (rows[:, 0] - lon) * scale
        y1 = rows[:, 1] - lat
        dx = rows[:, 2] * scale
        dy = rows[:, 3]
        length2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(length2 > 0, -(x1 * dx + y1 * dy) / length2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        km = KM_PER_DEGREE * np.hypot(x1 + t * dx, y1 + t * dy)
        return km, rows[:, 0] + t * rows[:, 2], rows[:, 1] + t * rows[:, 3]

    def nearest_km(self, lon: np.ndarray, lat: np.ndarray):
        """(index of the polygon with the nearest contour, distance in km) for each point."""
        if not len(
            self.table
        ):  # no contour at all (a phase or geography not loaded yet): none near
            return np.full(len(lon), -1, dtype=np.int64), np.full(len(lon), np.inf)
        owners = np.empty(len(lon), dtype=np.int64)
        distances = np.empty(len(lon))
        if len(lon) == 1:  # a look-up at one point (the map, the API): its cell alone, no np.unique
            first = np.array([self._cell_candidate(float(lon[0]), float(lat[0]))], dtype=np.int64)
        else:
            first = self._cell_candidates(lon, lat)
        for start in range(0, len(lon), NEAREST_BATCH):
            batch = slice(start, start + NEAREST_BATCH)
            owners[batch], distances[batch] = self._nearest(lon[batch], lat[batch], first[batch])
        return owners, distances

    def _cell_candidates(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """A segment near each point: the tree's nearest segment to the centre of the point's grid
        cell (CELL_DEGREES), each cell asked once per process. Any segment will do: the distance to it
        only bounds the search box of ``_nearest``, which then measures every segment in the box.

        Asking the tree for each point was 80 % of the time of the points outside every territory
        (~17 µs a point); a cell of 0.05° (~4 x 5.5 km) holds several of them, and the box grows by
        at most the cell's half-diagonal (~3.4 km) around a median distance of ~19 km."""
        # (column, row) of the cell as one integer; +50,000 keeps both positive (|row| <= 3,600).
        column = np.floor(lon / CELL_DEGREES).astype(np.int64) + 50_000
        row = np.floor(lat / CELL_DEGREES).astype(np.int64) + 50_000
        cells, inverse = np.unique(column * 100_000 + row, return_inverse=True)
        known = self._cells
        found = np.fromiter((known.get(c, -1) for c in cells.tolist()), np.int64, len(cells))
        missing = np.flatnonzero(found < 0)
        if len(missing):
            centre_lon = (cells[missing] // 100_000 - 50_000 + 0.5) * CELL_DEGREES
            centre_lat = (cells[missing] % 100_000 - 50_000 + 0.5) * CELL_DEGREES
            _, nearest = self.tree.query_nearest(
                shapely.points(centre_lon, centre_lat), all_matches=False
            )
            found[missing] = nearest
            known.update(zip(cells[missing].tolist(), nearest.tolist(), strict=True))
        return found[inverse.reshape(-1)]

    def _cell_candidate(self, lon: float, lat: float) -> int:
        """``_cell_candidates`` of one point, with the same arithmetic (the same cell, the same
        centre, so the same segment): ~60 % of a one-point ``nearest_km`` went to np.unique and the
        arrays around it (profiled on the API's look-ups at new points)."""
        column = math.floor(lon / CELL_DEGREES)
        row = math.floor(lat / CELL_DEGREES)
        cell = (column + 50_000) * 100_000 + row + 50_000
        found = self._cells.get(cell)
        if found is None:
            centre = shapely.points([(column + 0.5) * CELL_DEGREES], [(row + 0.5) * CELL_DEGREES])
            _, nearest = self.tree.query_nearest(centre, all_matches=False)
            found = self._cells[cell] = int(nearest[0])
        return found

    def _nearest(self, lon: np.ndarray, lat: np.ndarray, first: np.ndarray):
        # ``first``: a segment near each point (at k km); every segment at k km or less lies in the box
        # of k km around the point, and is measured in km. (The tree measures in degrees, where a
        # degree of longitude is cos(latitude) shorter, 0.69 at 46°N: its nearest is only a candidate.)
        first_km, x, y = self._closest(lon, lat, first)
        reach = first_km / KM_PER_DEGREE * 1.000001 + 1e-9
        half_width = reach / np.cos(np.radians(np.minimum(np.abs(lat), 89.0)))
        boxes = shapely.box(lon - half_width, lat - reach, lon + half_width, lat + reach)
        point, segment = self.tree.query(boxes)
        km, pair_x, pair_y = self._closest(lon[point], lat[point], segment)
        best = _first_minimum(point, km)
        chosen = first.copy()
        chosen[point[best]] = segment[best]
        # The closest point of the chosen segment, as measured already (the first segment's, or the
        # best pair's: not measured a third time, ~25 % of a one-point look-up); its distance by the
        # haversine formula: the flat approximation overestimates by ~1 % at 100 km (3 % at 250 km)
        # across the meridians.
        x[point[best]], y[point[best]] = pair_x[best], pair_y[best]
        return self.owner[chosen].astype(np.int64), haversine_km(lon, lat, x, y)


def _first_minimum(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each group (``group`` holds the group of each value), the position of its smallest value,
    the first one among equals. The tree gives its pairs by box, that is by point: then one pass of
    ``minimum.reduceat`` (measured ~30x faster than the sort of every pair by (point, distance) it
    replaces, with the same positions); a sort when the pairs come in another order."""
    if not len(group):
        return np.empty(0, dtype=np.int64)
    if not (group[1:] >= group[:-1]).all():
        # The smallest distance of each point: sort by (point, distance), keep each point's first.
        order = np.lexsort((value, group))
        sorted_group = group[order]
        firsts = np.ones(len(order), dtype=bool)
        firsts[1:] = sorted_group[1:] != sorted_group[:-1]
        return order[firsts]
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    lengths = np.diff(np.append(starts, len(group)))
    smallest = np.repeat(np.minimum.reduceat(value, starts), lengths)
    at = np.flatnonzero(value == smallest)  # (a NaN equals nothing: its point keeps ``first``)
    owner = group[at]
    keep = np.ones(len(at), dtype=bool)
    keep[1:] = owner[1:] != owner[:-1]
    return at[keep]


# Up to this many points, each point looks for the boxes holding it instead of each polygon for its
# points: a look-up at one new point (the map, the API) otherwise ran two binary searches for each of
# the phase's ~200 polygons, 41 % of its ~2.5 ms (docs/performance.md, web_bench, "points variés").
FEW_POINTS = 16


def _within_boxes_by_point(polygons, bounds, lon, lat, ids) -> tuple[np.ndarray, np.ndarray]:
    west, south, east, north = bounds.T
    found_points, found_polygons = [], []
    for x, y, point_id in zip(lon, lat, ids, strict=True):
        boxes = np.flatnonzero((west <= x) & (east >= x) & (south <= y) & (north >= y))
        if not len(boxes):
            continue
        held = boxes[shapely.intersects_xy(polygons[boxes], x, y)]
        found_points.append(np.full(len(held), point_id, dtype=np.int64))
        found_polygons.append(held.astype(np.int64))
    if not found_points:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(found_points), np.concatenate(found_polygons)


def within_boxes(polygons, bounds, lon, lat, ids) -> tuple[np.ndarray, np.ndarray]:
    """(ids of the points, indices of the polygons) of every prepared polygon that intersects a point
    (a point on a border is in both polygons), unsorted. Each polygon looks only at the points of its
    bounding box: found by a binary search in the longitudes sorted once, then a latitude mask (for a
    few points, each point tests the boxes instead: the same pairs)."""
    if len(lon) <= FEW_POINTS:
        return _within_boxes_by_point(np.asarray(polygons, dtype=object), bounds, lon, lat, ids)
    order = np.argsort(lon, kind="stable")
    sorted_lon = lon[order]
    found_points, found_polygons = [], []
    for index, (polygon, (west, south, east, north)) in enumerate(
        zip(polygons, bounds, strict=True)
    ):
        start = np.searchsorted(sorted_lon, west, side="left")
        stop = np.searchsorted(sorted_lon, east, side="right")
        if stop <= start:
            continue
        candidates = order[start:stop]
        candidates = candidates[(lat[candidates] >= south) & (lat[candidates] <= north)]
        if not len(candidates):
            continue
        held = candidates[shapely.intersects_xy(polygon, lon[candidates], lat[candidates])]
        found_points.append(ids[held])
        found_polygons.append(np.full(len(held), index, dtype=np.int64))
    if not found_points:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(found_points).astype(np.int64), np.concatenate(found_polygons)


class PointTagger:
    """The polygons of one phase (and the régions' contours), ready for chunks of points."""

    def __init__(self, territory_wkb: list[bytes], region_wkb: list[bytes]):
        self.territories = np.array(shapely.from_wkb(territory_wkb), dtype=object)
        self.regions = np.array(shapely.from_wkb(region_wkb), dtype=object)
        shapely.prepare(self.territories)
        shapely.prepare(self.regions)
        self.territory_bounds = shapely.bounds(self.territories)
        self.region_bounds = shapely.bounds(self.regions)
        self.territory_segments = Segments(self.territories)
        self.region_segments = Segments(self.regions)

    def tag(self, lon: np.ndarray, lat: np.ndarray) -> dict:
        """For points (all valid), arrays of:

        - ``pairs``: (point, territory) indices of every territory holding a point, sorted by point then
          territory (a point on the shared border of two territories is in both);
        - ``nearest`` (territory index, -1 when inside one or outside France), ``distance_km`` (NaN
          likewise), ``outside_france`` (bool).
        """
        count = len(lon)
        point_index, territory_index = within_boxes(
            self.territories, self.territory_bounds, lon, lat, np.arange(count)
        )
        order = np.lexsort((territory_index, point_index))
        pairs = np.stack([point_index[order], territory_index[order]])
        inside = np.zeros(count, dtype=bool)
        inside[point_index] = True
        on_land = np.zeros(count, dtype=bool)
        outside = np.flatnonzero(~inside)
        if len(outside):
            land_index, _ = within_boxes(
                self.regions, self.region_bounds, lon[outside], lat[outside], outside
            )
            on_land[land_index] = True
        offshore = np.flatnonzero(~inside & ~on_land)
        outside_france = np.zeros(count, dtype=bool)
        if len(offshore):
            _, km = self.region_segments.nearest_km(lon[offshore], lat[offshore])
            outside_france[offshore[km > FRANCE_MARGIN_KM]] = True
        nearest = np.full(count, -1, dtype=np.int64)
        distance = np.full(count, np.nan)
        wanted = np.flatnonzero(~inside & ~outside_france)
        if len(wanted):
            nearest[wanted], distance[wanted] = self.territory_segments.nearest_km(
                lon[wanted], lat[wanted]
            )
        return {
            "pairs": pairs,
            "nearest": nearest,
            "distance_km": distance,
            "outside_france": outside_france,
        }


# --- the worker processes' side --------------------------------------------------------------------------

_worker_tagger: PointTagger | None = None


def init_worker(territory_wkb: list[bytes], region_wkb: list[bytes]) -> None:
    global _worker_tagger
    _worker_tagger = PointTagger(territory_wkb, region_wkb)


def tag_in_worker(lon: np.ndarray, lat: np.ndarray) -> dict:
    return _worker_tagger.tag(lon, lat)
