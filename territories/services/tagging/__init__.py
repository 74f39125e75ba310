"""Batch tagging: each row of a table (CSV or XLSX, any size) gets the Territoire(s) d'industrie of its
commune code, SIREN or point (docs/tagging.md).

``tag_file(input, output, ...)`` for a command or a background task, ``tag_rows(header, rows, ...)`` for
anything holding rows already (an API request): both stream, in bounded memory, keeping the rows' order.
"""

from __future__ import annotations

import gc
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from core.imports import ImportRefused, refuse
from territories.services.tagging import halves
from territories.services.tagging.joining import (
    CodeIndex,
    normalize_commune_code,
    normalize_siren,
)
from territories.services.tagging.reading import Lines, chunked, open_table
from territories.services.tagging.writing import (
    AddedCells,
    TableWriter,
    neutralize_rows,
    output_kind,
    safe,
)

ADDED_COLUMNS = ["id_ti", "lib_ti", "phase", "id_ti_proche", "distance_km", "motif"]
# Points are read by lists of this many rows: what the spatial index of ``points`` takes at a time.
CHUNK_POINTS = 100_000
# Codes are read by lists of this many rows (points by CHUNK_POINTS, for the spatial index): small lists
# stay in the processor's cache (measured: reading 1,000,000 rows by 20,000 took 0.68 s, by 100,000 1.0
# to 1.3 s).
CHUNK_CODES = 10_000


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
    out_header, chunks = tag_chunks(
        header, chunked(rows, CHUNK_POINTS), columns, phase, report, name, workers, progress
    )
    return out_header, chain.from_iterable(chunks)


def tag_chunks(
    header: list[str],
    chunks: Iterable[list[list]],
    columns: Columns,
    phase=None,
    report: TagReport | None = None,
    name: str = "entrée",
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[str], Iterator[list[list]]]:
    """``tag_rows`` by lists of rows: (output header, iterator of lists of output rows)."""
    out_header, pairs = _tagged(header, chunks, columns, phase, report, name, workers, progress)
    return out_header, (_extended(rows, extras) for rows, extras in pairs)


def _extended(rows: list[list], extras: list[tuple]) -> list[list]:
    deque(map(list.extend, rows, extras), maxlen=0)
    return rows


def _tagged(
    header, chunks, columns, phase, report, name, workers, progress, neutralize=False, index=None
) -> tuple[list[str], Iterator[tuple[list[list], list[tuple]]]]:
    """(output header, iterator of (rows, their added cells)): the whole work is done a list of rows
    at a time, with no Python call per row where a builtin's loop can do it (measured: the generators
    chained per row cost ~3 µs a row, more than the look-up itself).

    ``neutralize``: the input cells go through ``writing.neutralize_rows`` (CSV injection) once read,
    and the added cells are neutralised once per territory: what ``tag_file`` writes. ``index``: the
    phase's CodeIndex when the caller holds it (a forked process reads no database)."""
    phase = phase or resolve_phase(None)
    report = report if report is not None else TagReport(phase.code)
    positions = column_positions(header, columns, name)
    body = _cleaned(chunks, len(header), report, name, progress)
    if columns.mode == "point":
        # Imported here: numpy and shapely are for points only (~0.06 s of a command's start-up).
        from territories.services.tagging.points import tag_points

        out = tag_points(body, positions, phase, report, workers, neutralize)
    else:
        out = _tag_codes(body, positions[0], columns.mode, phase, report, neutralize, index)
    return header + ADDED_COLUMNS, out


def _cleaned(chunks, width, report, name, progress) -> Iterator[list[list]]:
    """Each list of rows without its blank rows, every row a list of ``width`` cells (a short row
    padded with empty cells, a long one cut when its extra cells are empty, refused otherwise)."""
    number = 2  # the spreadsheet number of the next row (the header is row 1)
    step = CHUNK_POINTS
    for chunk in chunks:
        if not chunk:
            continue
        if chunk.__class__ is Lines:  # rows of ``width`` cells, none blank (reading.Lines)
            rows = chunk
        elif set(map(type, chunk)) == {list} and set(map(len, chunk)) == {width}:
            rows = chunk if all(map(any, chunk)) else list(filter(any, chunk))
            report.empty += len(chunk) - len(rows)
        else:
            rows = []
            for offset, cells in enumerate(chunk):
                if not any(cells):
                    report.empty += 1
                    continue
                if (
                    cells.__class__ is not list
                ):  # a tuple from a caller: the added cells are appended
                    cells = list(cells)
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                elif len(cells) > width:
                    if any(cells[width:]):
                        raise refuse(
                            name,
                            f"{len(cells)} cellules pour {width} colonnes d'en-tête",
                            row=number + offset,
                            expected="autant de cellules que de colonnes dans l'en-tête",
                        )
                    cells = cells[:width]
                rows.append(cells)
        number += len(chunk)
        before = report.rows
        report.rows += len(rows)
        if progress is not None:
            for done in range((before // step + 1) * step, report.rows + 1, step):
                progress(done)
        if rows:
            yield rows


def _tag_codes(chunks, position, mode, phase, report, neutralize, index=None) -> Iterator[tuple]:
    index = CodeIndex.of(phase) if index is None else index
    find = index.commune if mode == "commune" else index.siren
    code = safe(phase.code) if neutralize else phase.code
    # The added cells of each distinct cell text, one tuple per distinct answer (a file of a million
    # rows names a few tens of thousands of communes), numbered in ``choices``: each row is then one
    # dictionary look-up, done by map(), giving its answer's number; a CSV writer looks the text of
    # the number up in a list (AddedCells), without hashing a tuple per row (~0.05 s a million). The
    # rows are counted by list.count() of the numbers of the answers that are not a territory's (the
    # one outside every territory, each motif's): ~25 ns a row, where a Counter of the tuples took ~250.
    choices: list[tuple] = []
    answers: dict[tuple, int] = {}
    untagged: dict[str, int] = {}  # "outside" or a motif -> its number

    def answer(labels: tuple[str, str], motif: str) -> int:
        number = answers.get((labels, motif))
        if number is None:
            id_ti, lib_ti = (safe(labels[0]), safe(labels[1])) if neutralize else labels
            number = answers[(labels, motif)] = len(choices)
            choices.append((id_ti, lib_ti, code, "", "", motif))
            if motif or not id_ti:
                untagged[motif or "outside"] = number
        return number

    normalize, known = (
        (normalize_commune_code, index.communes)
        if mode == "commune"
        else (normalize_siren, index.sirens)
    )
    # Every known key that is its own normal form: a file's usual cells, found at the first look-up.
    added = {key: answer(labels, "") for key, labels in known.items() if normalize(key) == key}
    for rows in chunks:
        lines = rows.__class__ is Lines
        texts = rows.column(position) if lines else [row[position] for row in rows]
        try:
            extras = list(map(added.__getitem__, texts))
        except KeyError:  # a text seen for the first time (not a known key as it is)
            for text in set(texts).difference(added):
                added[text] = answer(*find(text))
            extras = list(map(added.__getitem__, texts))
        tagged = len(extras)
        for what, number in untagged.items():
            count = extras.count(number)
            if count:
                tagged -= count
                if what == "outside":
                    report.outside += count
                else:
                    report.motifs[what] += count
        report.tagged += tagged
        if lines:  # (the writer neutralises the formula lines of Lines)
            yield rows, AddedCells(choices, extras)
            continue
        if neutralize:  # after the look-up, which reads the cells as they are
            neutralize_rows(rows)
        yield rows, list(map(choices.__getitem__, extras))


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def tag_file(
    source: str | Path,
    destination: str | Path,
    columns: Columns,
    phase: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    name: str | None = None,
) -> TagReport:
    """Tag the table of ``source`` into ``destination`` (CSV, or XLSX by its extension); ``name``:
    the file's name in the messages (the name it was uploaded under), ``source``'s by default.

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
    table = open_table(source, name)
    writer = out = None
    # The rows held by the chunks in flight are hundreds of thousands of lists: the cyclic garbage
    # collector would walk them again and again, for no cycle (the work makes none). Measured: reading
    # 200,000 rows by lists of 100,000 took 0.25 s with it, 0.16 s without.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Read once, for both ways of tagging codes (and before any fork: a second process reads no
        # database).
        index = None if columns.mode == "point" else CodeIndex.of(phase_obj)
        if _in_two(
            source, destination, table, columns, phase_obj, index, report, workers, progress
        ):
            return report
        header, out = _tagged(
            table.header,
            # A CSV written from a CSV: its plain lines are copied as they are (reading.Lines).
            (table.line_chunks if output_kind(destination) == "csv" else table.chunks)(
                CHUNK_POINTS if columns.mode == "point" else CHUNK_CODES
            ),
            columns,
            phase_obj,
            report,
            table.name,
            workers,
            progress,
            neutralize=True,
            index=index,
        )
        delimiter = table.delimiter if table.kind == "csv" else ";"
        writer = TableWriter(destination, header, delimiter)
        for rows, extras in out:
            writer.write_tagged(rows, extras)
        writer.finish()
    except BaseException:
        if out is not None:
            out.close()  # stops the worker processes now, not when collected
        if writer is not None:
            writer.abort()
        raise
    finally:
        if collecting:
            gc.enable()
        table.close()
    return report


def _in_two(source, destination, table, columns, phase, index, report, workers, progress) -> bool:
    """``halves.tag_in_two`` for a CSV of commune codes or SIRENs tagged into a CSV, when the file
    is large enough and the caller reports no progress (a background job's progress counts rows in
    order); False when not done, with nothing written."""
    if (
        columns.mode == "point"
        or table.kind != "csv"
        or output_kind(destination) != "csv"
        or table.encoding not in halves.ENCODINGS
        or progress is not None
        or (default_workers() if workers is None else workers) < 2
        or not hasattr(os, "fork")
        or source.stat().st_size < halves.MIN_BYTES
    ):
        return False

    def tag_half(chunks, counts):
        return _tagged(
            table.header, chunks, columns, phase, counts, table.name, 1, None, True, index
        )[1]

    header = table.header + ADDED_COLUMNS
    return halves.tag_in_two(source, destination, table, header, tag_half, CHUNK_CODES, report)


__all__ = [
    "ADDED_COLUMNS",
    "Columns",
    "ImportRefused",
    "TagReport",
    "tag_chunks",
    "tag_file",
    "tag_rows",
]
