"""Batch tagging: each row of a table (CSV or XLSX, any size) gets the Territoire(s) d'industrie of its
commune code, SIREN or point (docs/tagging.md).

``tag_file(input, output, ...)`` for a command or a background task, ``tag_rows(header, rows, ...)`` for
anything holding rows already (an API request): both stream, in bounded memory, keeping the rows' order.
"""

from __future__ import annotations

import math
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.imports import ImportRefused, refuse
from territories.services.tagging.joining import CodeIndex
from territories.services.tagging.reading import open_table
from territories.services.tagging.spatial import CHUNK_POINTS, parse_coordinate, valid_mask
from territories.services.tagging.writing import TableWriter

ADDED_COLUMNS = ["id_ti", "lib_ti", "phase", "id_ti_proche", "distance_km", "motif"]
MOTIF_BAD_POINT = "coordonnée invalide"
MOTIF_OUTSIDE_FRANCE = "hors de France"


@dataclass
class Columns:
    """Which column(s) say where a row is: a commune code, a SIREN, or a longitude and a latitude."""

    commune: str | None = None
    siren: str | None = None
    lon: str | None = None
    lat: str | None = None

    @property
    def mode(self) -> str:
        return "commune" if self.commune else "siren" if self.siren else "point"


@dataclass
class TagReport:
    phase: str
    rows: int = 0
    tagged: int = 0  # in at least one territory
    outside: int = 0  # a valid commune, SIREN or point in France, in no territory
    empty: int = 0  # blank lines, skipped
    motifs: Counter = field(default_factory=Counter)

    @property
    def untagged(self) -> int:
        return sum(self.motifs.values())

    def summary(self) -> str:
        """The French lines a person reads at the end (stderr of the command)."""

        def number(count: int) -> str:
            return f"{count:,}".replace(",", " ")

        def count(value: int, singular: str, plural: str) -> str:
            return f"{number(value)} {plural if value >= 2 else singular}"

        lines = [
            f"Phase {self.phase} : {count(self.rows, 'ligne lue', 'lignes lues')}, "
            f"{count(self.tagged, 'dans un territoire', 'dans un territoire')}, "
            f"{count(self.outside, 'hors de tout territoire', 'hors de tout territoire')}, "
            f"{count(self.untagged, 'non étiquetée', 'non étiquetées')}."
        ]
        for motif, value in sorted(self.motifs.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"  {motif} : {count(value, 'ligne', 'lignes')}")
        if self.empty:
            lines.append(f"{count(self.empty, 'ligne vide ignorée', 'lignes vides ignorées')}.")
        return "\n".join(lines)


def latest_phase():
    from territories.models import Phase

    return Phase.objects.order_by("-number").first()


def resolve_phase(code: str | None):
    from territories.models import Phase

    phase = Phase.objects.filter(code=code).first() if code else latest_phase()
    if phase is None:
        known = ", ".join(Phase.objects.values_list("code", flat=True)) or "aucune"
        what = f"phase inconnue : « {code} »" if code else "aucune phase importée"
        raise refuse("--phase", what, expected=f"une phase importée ({known})")
    return phase


def column_positions(header: list[str], columns: Columns, name: str) -> list[int]:
    wanted = [c for c in (columns.commune, columns.siren, columns.lon, columns.lat) if c]
    clashes = [c for c in ADDED_COLUMNS if c in header]
    if clashes:
        raise refuse(
            name,
            f"le fichier a déjà une colonne « {clashes[0]} », que l'étiquetage ajoute",
            expected="un fichier sans les colonnes " + ", ".join(ADDED_COLUMNS),
        )
    positions = []
    for column in wanted:
        if column not in header:
            raise refuse(
                name,
                f"colonne « {column} » absente de l'en-tête",
                expected="une des colonnes " + ", ".join(f"« {c} »" for c in header[:30]),
            )
        positions.append(header.index(column))
    return positions


def tag_rows(
    header: list[str],
    rows: Iterable[list],
    columns: Columns,
    phase=None,
    report: TagReport | None = None,
    name: str = "entrée",
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[str], Iterator[list]]:
    """(output header, iterator of output rows): each input row (a list of text cells) with the added
    columns, in input order. ``report`` (if given) is filled as rows go by. Blank rows are skipped."""
    phase = phase or resolve_phase(None)
    report = report if report is not None else TagReport(phase.code)
    positions = column_positions(header, columns, name)
    width = len(header)

    def padded() -> Iterator[list]:
        for number, cells in enumerate(rows, start=2):
            if not any(cells):
                report.empty += 1
                continue
            if cells.__class__ is not list:  # a tuple from a caller: the added cells are appended
                cells = list(cells)
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            elif len(cells) > width:
                if any(cells[width:]):
                    raise refuse(
                        name,
                        f"{len(cells)} cellules pour {width} colonnes d'en-tête",
                        row=number,
                        expected="autant de cellules que de colonnes dans l'en-tête",
                    )
                cells = list(cells[:width])
            report.rows += 1
            if progress is not None and not report.rows % CHUNK_POINTS:
                progress(report.rows)
            yield cells

    body = padded()
    if columns.mode == "point":
        out = _tag_points(body, positions, phase, report, workers)
    else:
        out = _tag_codes(body, positions[0], columns.mode, phase, report)
    return header + ADDED_COLUMNS, out


def _tag_codes(rows, position, mode, phase, report) -> Iterator[list]:
    index = CodeIndex(phase)
    find = index.commune if mode == "commune" else index.siren
    code = phase.code
    # The added cells of each distinct cell text, computed once: a file of a million rows names a few
    # tens of thousands of communes (measured: 7 -> 3 µs per row).
    added: dict[str, tuple] = {}
    tagged = outside = 0
    motifs = report.motifs
    for cells in rows:
        text = cells[position]
        extra = added.get(text)
        if extra is None:
            (id_ti, lib_ti), motif = find(text)
            extra = added[text] = (id_ti, lib_ti, code, "", "", motif)
        if extra[5]:
            motifs[extra[5]] += 1
        elif extra[0]:
            tagged += 1
        else:
            outside += 1
        cells.extend(extra)
        yield cells
    report.tagged, report.outside = tagged, outside


def _chunks(rows: Iterator[list], size: int) -> Iterator[list[list]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _polygons(phase):
    """(labels, territory WKB, région WKB) of a phase: the full-precision contours."""
    import shapely
    from shapely.geometry import shape

    from geo.models import Region
    from territories.models import Territory

    labels, territories = [], []
    for ti_id, name, geometry in (
        Territory.objects.filter(phase=phase)
        .exclude(geometry=None)
        .order_by("ti_id")
        .values_list("ti_id", "name", "geometry")
        .iterator(chunk_size=20)
    ):
        labels.append((ti_id, name))
        territories.append(shapely.to_wkb(shape(geometry)))
    regions = [
        shapely.to_wkb(shape(geometry))
        for geometry in Region.objects.exclude(geometry=None).values_list("geometry", flat=True)
    ]
    return labels, territories, regions


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _tag_points(rows, positions, phase, report, workers) -> Iterator[list]:
    from territories.services.tagging import spatial

    labels, territory_wkb, region_wkb = _polygons(phase)
    lon_at, lat_at = positions
    code = phase.code
    workers = default_workers() if workers is None else max(1, workers)
    chunks = _chunks(rows, CHUNK_POINTS)
    pool = None
    local = None

    def submit(chunk):
        lon = np.fromiter((parse_coordinate(r[lon_at]) for r in chunk), float, len(chunk))
        lat = np.fromiter((parse_coordinate(r[lat_at]) for r in chunk), float, len(chunk))
        valid = valid_mask(lon, lat)
        args = (lon[valid], lat[valid])
        if pool is not None:
            return chunk, valid, pool.apply_async(spatial.tag_in_worker, args)
        return chunk, valid, local.tag(*args)

    # The added cells of a point inside one territory, once per territory.
    inside_one = [(ti_id, name, code, "", "", "") for ti_id, name in labels]
    bad = ("", "", code, "", "", MOTIF_BAD_POINT)
    abroad = ("", "", code, "", "", MOTIF_OUTSIDE_FRANCE)

    def emit(chunk, valid, result) -> Iterator[list]:
        pairs, nearest = result["pairs"], result["nearest"].tolist()
        distance = result["distance_km"].tolist()
        outside_france = result["outside_france"].tolist()
        # A territory of each valid point (-1: none); the points in several (numpy keeps any one of
        # their pairs) are listed apart with all of theirs, in ti_id order.
        first = np.full(len(nearest), -1, dtype=np.int64)
        first[pairs[0]] = pairs[1]
        first = first.tolist()
        several: dict[int, list[int]] = {}
        repeated = np.flatnonzero(pairs[0][1:] == pairs[0][:-1])
        for point in set(pairs[0][repeated].tolist()):
            several[point] = pairs[1][pairs[0] == point].tolist()
        motifs = report.motifs
        position = 0
        for row, ok in zip(chunk, valid.tolist(), strict=True):
            if not ok:
                motifs[MOTIF_BAD_POINT] += 1
                row.extend(bad)
                yield row
                continue
            territory = first[position]
            if territory >= 0:
                report.tagged += 1
                if position in several:
                    ids = [labels[i] for i in several[position]]
                    id_ti = "|".join(t for t, _ in ids)
                    lib_ti = "|".join(n for _, n in ids)
                    row.extend((id_ti, lib_ti, code, "", "", ""))
                else:
                    row.extend(inside_one[territory])
            elif outside_france[position]:
                motifs[MOTIF_OUTSIDE_FRANCE] += 1
                row.extend(abroad)
            else:
                report.outside += 1
                km = distance[position]
                row.extend(
                    ("", "", code, labels[nearest[position]][0], round(km, 1), "")
                    if not math.isnan(km)
                    else ("", "", code, "", "", "")
                )
            position += 1
            yield row

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
                chunk_rows, valid, result = pending.popleft()
                yield from emit(chunk_rows, valid, result.get() if pool else result)
        while pending:
            chunk_rows, valid, result = pending.popleft()
            yield from emit(chunk_rows, valid, result.get() if pool else result)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


def _prepend(firsts: list, rest: Iterator) -> Iterator:
    yield from firsts
    yield from rest


def tag_file(
    source: str | Path,
    destination: str | Path,
    columns: Columns,
    phase: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> TagReport:
    """Tag the table of ``source`` into ``destination`` (CSV, or XLSX by its extension).

    Raises ImportRefused (in French) on a file it cannot read, a missing column, an XLSX output beyond
    Excel's rows; ``destination`` is then left untouched.
    """
    source, destination = Path(source), Path(destination)
    if source.resolve() == destination.resolve():
        raise refuse(str(destination), "le fichier de sortie est le fichier d'entrée")
    if not destination.parent.is_dir():
        raise refuse(str(destination), "le dossier du fichier de sortie n'existe pas")
    phase_obj = resolve_phase(phase)
    report = TagReport(phase_obj.code)
    table = open_table(source)
    writer = out = None
    try:
        header, out = tag_rows(
            table.header, table.rows, columns, phase_obj, report, table.name, workers, progress
        )
        delimiter = table.delimiter if table.kind == "csv" else ";"
        writer = TableWriter(destination, header, delimiter)
        writer.write_all(out)
        writer.finish()
    except BaseException:
        if out is not None:
            out.close()  # stops the worker processes now, not when collected
        if writer is not None:
            writer.abort()
        raise
    finally:
        table.close()
    return report


__all__ = ["ADDED_COLUMNS", "Columns", "ImportRefused", "TagReport", "tag_file", "tag_rows"]
