"""Batch tagging of points: each row's longitude and latitude looked up in the full-precision contours
of a phase by the spatial index of ``spatial`` (in worker processes for a large file), with the nearest
territory of a point outside every one. Imported by ``_tagged`` for points only: numpy and shapely
cost ~0.06 s of start-up that tagging commune codes or SIRENs does without.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from itertools import repeat

import numpy as np
import shapely

from territories.services.tagging import default_workers, spatial
from territories.services.tagging.joining import SEPARATOR
from territories.services.tagging.reading import Lines
from territories.services.tagging.spatial import parse_coordinate, valid_mask
from territories.services.tagging.writing import TAIL, AddedCells, neutralize_rows, safe

MOTIF_BAD_POINT = "coordonnée invalide"
MOTIF_OUTSIDE_FRANCE = "hors de France"


def polygons(phase):
    """(labels, territory WKB, région WKB) of a phase: the full-precision contours.

    The GeoJSON is read as text and parsed by GEOS (``shapely.from_geojson``), not decoded by the
    JSON field then built by ``shapely.geometry.shape``: the same WKB (checked on 2023-2027's 183
    territories and the 26 régions), 0.06 s of processor instead of 0.16."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from geo.models import Region
    from territories.models import Territory

    as_text = Cast("geometry", TextField())
    rows = list(
        Territory.objects.filter(phase=phase)
        .exclude(geometry=None)
        .order_by("ti_id")
        .annotate(text=as_text)
        .values_list("ti_id", "name", "text")
    )
    labels = [(ti_id, name) for ti_id, name, _ in rows]
    territories = shapely.to_wkb(shapely.from_geojson([text for _, _, text in rows])).tolist()
    regions = Region.objects.exclude(geometry=None).annotate(text=as_text)
    regions = shapely.to_wkb(shapely.from_geojson(list(regions.values_list("text", flat=True))))
    return labels, territories, regions.tolist()


def tag_points(chunks, positions, phase, report, workers, neutralize) -> Iterator[tuple]:
    """The (rows, added cells) of lists of rows located by a longitude and a latitude."""
    labels, territory_wkb, region_wkb = polygons(phase)
    lon_at, lat_at = positions
    clean = safe if neutralize else str
    code = clean(phase.code)
    ids = [clean(ti_id) for ti_id, _ in labels]
    names = [clean(name) for _, name in labels]
    workers = default_workers() if workers is None else max(1, workers)
    pool = None
    local = None

    def submit(rows):
        if rows.__class__ is Lines:
            cells = rows.cells()
            lon = _floats(rows.column(lon_at, cells))
            lat = _floats(rows.column(lat_at, cells))
        else:
            lon, lat = _coordinates(rows, lon_at), _coordinates(rows, lat_at)
        valid = valid_mask(lon, lat)
        args = (lon[valid], lat[valid])
        if pool is not None:
            return rows, valid, pool.apply_async(spatial.tag_in_worker, args)
        return rows, valid, local.tag(*args)

    # The added cells of a row, by kind: inside territory i (0 <= i < T), then a bad coordinate, outside
    # France, outside every territory with no contour to measure; the rows in several territories and
    # those with a nearest territory get their own tuple.
    count = len(labels)
    BAD, ABROAD, NOWHERE = count, count + 1, count + 2
    choices = [(ti_id, name, code, "", "", "") for ti_id, name in zip(ids, names, strict=True)]
    choices += [
        ("", "", code, "", "", MOTIF_BAD_POINT),
        ("", "", code, "", "", MOTIF_OUTSIDE_FRANCE),
        ("", "", code, "", "", ""),
    ]
    # A point outside every territory: the cells before its distance, by nearest territory, and after.
    heads = [("", "", code, ti_id) for ti_id in ids]

    def emit(rows, valid, result) -> tuple[list[list], list[tuple]]:
        pairs, nearest = result["pairs"], result["nearest"]
        distance, outside_france = result["distance_km"], result["outside_france"]
        points = len(nearest)
        held = np.bincount(pairs[0], minlength=points)  # territories holding each valid point
        kind = np.full(points, NOWHERE, dtype=np.int64)
        kind[pairs[0]] = pairs[1]  # (a point in several gets any one of its: replaced below)
        kind[outside_france] = ABROAD
        kinds = np.full(len(rows), BAD, dtype=np.int64)
        at = np.flatnonzero(valid)  # row of each valid point
        kinds[at] = kind
        lines = rows.__class__ is Lines  # written by a CSV writer: no tuple per row (AddedCells)
        extras = [] if lines else list(map(choices.__getitem__, kinds.tolist()))
        others = []
        several = np.flatnonzero(held > 1)
        # The pairs are sorted by point then territory: a point's pairs are one run, in ti_id order.
        starts = np.searchsorted(pairs[0], several).tolist()
        for point, start, length in zip(
            several.tolist(), starts, held[several].tolist(), strict=True
        ):
            territories = pairs[1][start : start + length].tolist()
            extra = (
                SEPARATOR.join(ids[t] for t in territories),
                SEPARATOR.join(names[t] for t in territories),
                code,
                "",
                "",
                "",
            )
            others.append((int(at[point]), extra))
        near = np.flatnonzero((held == 0) & ~outside_france & (nearest >= 0))
        near = near[~np.isnan(distance[near])]
        near_rows, near_territories = at[near].tolist(), nearest[near].tolist()
        kms = list(map(round, distance[near].tolist(), repeat(1)))
        if lines:
            extras = AddedCells(
                choices, kinds.tolist(), others, near_rows, near_territories, kms, heads, TAIL
            )
        else:
            for row, extra in others:
                extras[row] = extra
            for row, territory, km in zip(near_rows, near_territories, kms, strict=True):
                extras[row] = (*heads[territory], km, *TAIL)
        tagged = int((held > 0).sum())
        abroad = int(outside_france.sum())
        report.tagged += tagged
        report.outside += points - tagged - abroad
        if abroad:
            report.motifs[MOTIF_OUTSIDE_FRANCE] += abroad
        if points < len(rows):
            report.motifs[MOTIF_BAD_POINT] += len(rows) - points
        if neutralize and rows.__class__ is not Lines:  # after the coordinates were read (submit)
            neutralize_rows(rows)
        return rows, extras

    chunks = iter(chunks)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    # One chunk (100,000 points or fewer): one process, as starting a pool and sending it the polygons
    # (~0.5 s) would cost more than it saves.
    if second is not None and workers > 1:
        import multiprocessing

        # fork: the workers inherit the loaded modules; they touch no database connection.
        context = multiprocessing.get_context("fork")
        pool = context.Pool(workers, spatial.init_worker, (territory_wkb, region_wkb))
    else:
        local = spatial.PointTagger(territory_wkb, region_wkb)
    try:
        pending: deque = deque()
        # At most workers + 1 chunks in flight: the memory stays bounded whatever the file's size.
        limit = workers + 1 if pool is not None else 1
        for chunk in _prepend([first] + ([second] if second is not None else []), chunks):
            pending.append(submit(chunk))
            while len(pending) > limit or (pool is None and pending):
                rows, valid, result = pending.popleft()
                yield emit(rows, valid, result.get() if pool else result)
        while pending:
            rows, valid, result = pending.popleft()
            yield emit(rows, valid, result.get() if pool else result)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


def _coordinates(rows: list[list], position: int) -> np.ndarray:
    """The coordinates of a column as floats (NaN when not a number)."""
    return _floats([row[position] for row in rows])


def _floats(cells: list[str]) -> np.ndarray:
    """Cells as floats (NaN when not a number): float() by map() first, which reads the usual cells
    (« 2.878 »); parse_coordinate for a list holding any other."""
    try:
        return np.fromiter(map(float, cells), float, len(cells))
    except (ValueError, TypeError):
        return np.fromiter(map(parse_coordinate, cells), float, len(cells))


def _prepend(firsts: list, rest: Iterator) -> Iterator:
    yield from firsts
    yield from rest
