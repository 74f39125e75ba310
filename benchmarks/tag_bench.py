"""Batch tagging of 1,000,000 random points in France and 1,000,000 commune codes with the 2023-2027
territories, end to end from CSV file to CSV file (`territoires tag`), against baselines measured in the
same run (issue 14):

- points: plain shapely, in memory, one process: an STRtree on the same points queried with the prepared
  polygons (containment only: no file, no nearest territory); geopandas' ``sjoin`` when geopandas is
  importable (the ``bench`` extra: never a dependency of the application), timed twice: the ``sjoin``
  alone, in memory, and the same job as the command from file to file (pandas ``read_csv``,
  ``points_from_xy``, ``sjoin``, the territories of a point on a border joined by « | », ``to_csv`` of
  the input's columns plus ``id_ti`` and ``lib_ti``; still no nearest territory);
- commune codes: a plain dictionary look-up of the same codes read from the same CSV by the csv module.

Targets: end to end within 4x of plain shapely; commune codes within 3x of the dictionary; results
identical to the baselines'. The end-to-end runs are `territoires tag` in a child process: their time
includes starting Python and Django; their peak memory is the child's and its worker processes'.

Run after `make load` (the real data in the default database): `make bench`, or
`.venv/bin/python benchmarks/tag_bench.py [--rows N] [--points-only | --codes-only] [--repeat N]`.
Nothing is written to the database. Each measure prints its wall time and its CPU time (the command's
with its workers'): on a shared machine the wall times depend on the other work, the CPU times much
less; --repeat N keeps the smallest of N runs of every measure, baselines included.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()


def rss_mb(pid: int | str) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def child(argv: list[str]) -> None:
    """`tag_bench.py --child IN OUT ARGS...`: the command in this process, then its peak memory:
    VmHWM (this process's own peak, not inherited through exec as ru_maxrss is) and the largest sum of
    the resident memory of this process and its workers, sampled every 50 ms."""
    import threading

    from django.core.management import call_command

    peak = {"total": 0.0}
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            pids = []
            for task in os.listdir("/proc/self/task"):
                try:
                    pids += open(f"/proc/self/task/{task}/children").read().split()
                except OSError:
                    pass
            total = rss_mb("self") + sum(rss_mb(pid) for pid in pids)
            peak["total"] = max(peak["total"], total)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    call_command("tag", *argv)
    seconds = time.perf_counter() - start
    done.set()
    with open("/proc/self/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    total = max(peak["total"], hwm / 1024)
    print(json.dumps({"seconds": seconds, "rss_mb": hwm / 1024, "total_rss_mb": total}))


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    # The command as `territoires tag` runs it, without the benchmark's own imports (numpy and shapely:
    # ~0.06 s of start-up that tagging commune codes does without).
    child(sys.argv[2:])
    sys.exit(0)

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from territories.models import Phase, TerritoryCommune  # noqa: E402
from territories.services.tagging.points import polygons as phase_polygons  # noqa: E402

PHASE = "2023-2027"
SEED = 14
SAMPLE = 20_000
# --repeat N: each measure (baselines and commands alike) taken N times, its smallest wall time and its
# smallest CPU time kept: on the shared machine one run may fall on a busy second.
REPEAT = 1


def random_points_in_france(count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points over metropolitan France's régions (rejection sampling in its bounding box)."""
    _, _, regions = phase_polygons(Phase.objects.get(code=PHASE))
    france = shapely.union_all([g for g in shapely.from_wkb(regions) if shapely.bounds(g)[0] > -10])
    shapely.prepare(france)
    west, south, east, north = shapely.bounds(france)
    lon, lat = np.empty(0), np.empty(0)
    while len(lon) < count:
        x = rng.uniform(west, east, count)
        y = rng.uniform(south, north, count)
        keep = shapely.contains_xy(france, x, y)
        lon, lat = np.concatenate([lon, x[keep]]), np.concatenate([lat, y[keep]])
    return np.round(lon[:count], 6), np.round(lat[:count], 6)


def best(measure):
    """(smallest wall, smallest CPU, value of the last run) of REPEAT runs of ``measure()``, which
    returns (wall, CPU, value)."""
    walls, cpus = [], []
    for _ in range(REPEAT):
        wall, cpu, value = measure()
        walls.append(wall)
        cpus.append(cpu)
    return min(walls), min(cpus), value


def end_to_end(args: list[str]) -> dict:
    """``end_to_end_once`` REPEAT times: the smallest wall time and the smallest CPU time."""
    runs = [end_to_end_once(args) for _ in range(REPEAT)]
    result = min(runs, key=lambda run: run["wall"])
    result["cpu"] = min(run["cpu"] for run in runs)
    return result


def end_to_end_once(args: list[str]) -> dict:
    """The command in a child process: its wall time and the CPU time of the child and of its
    workers (user + system, counted when they are waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["report"] = done.stderr.strip()
    return result


def cpu_clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(clock: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since ``clock``: on a machine shared with other work, the wall time of a
    measure depends on what else runs; its CPU time much less (the ratios of both are printed)."""
    return time.perf_counter() - clock[0], time.process_time() - clock[1]


def column(path: Path, name: str = "id_ti") -> list[str]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter=";")
        position = next(reader).index(name)
        return [row[position] for row in reader]


def bench_points(rows: int, tmp: Path, rng) -> None:
    lon, lat = random_points_in_france(rows, rng)
    source = tmp / "points.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["id", "lon", "lat"])
        writer.writerows(zip(range(rows), lon.tolist(), lat.tolist(), strict=True))
    size = source.stat().st_size / 1e6
    print(f"== {rows:,} points in France ({size:.0f} MB CSV)".replace(",", " "))

    labels, territories, _ = phase_polygons(Phase.objects.get(code=PHASE))
    polygons = shapely.from_wkb(territories)
    shapely.prepare(polygons)

    def shapely_baseline():
        clock = cpu_clock()
        points = shapely.points(lon, lat)
        pairs = shapely.STRtree(points).query(polygons, predicate="intersects")
        return (*since(clock), (points, pairs))

    baseline, baseline_cpu, (points, (polygon_index, point_index)) = best(shapely_baseline)
    expected = [[] for _ in range(rows)]
    for point, polygon in sorted(zip(point_index.tolist(), polygon_index.tolist(), strict=True)):
        expected[point].append(labels[polygon][0])
    expected = ["|".join(ids) for ids in expected]
    print(
        f"baseline shapely STRtree (in memory, 1 process): {baseline:6.2f} s "
        f"(CPU {baseline_cpu:.2f} s)"
    )
    # The same job as the command in plain shapely: containment, then for the points outside every
    # territory the nearest polygon (STRtree.query_nearest) and its distance. query_nearest on the
    # full-precision polygons is slow (~200 µs a point): timed on a sample, scaled to all of them.
    outside = np.flatnonzero(np.array([not ids for ids in expected]))
    sample = outside[:SAMPLE]
    tree = shapely.STRtree(polygons)
    start = time.perf_counter()
    _, nearest_polygon = tree.query_nearest(points[sample], all_matches=False)
    shapely.distance(polygons[nearest_polygon], points[sample])
    nearest_seconds = (time.perf_counter() - start) * len(outside) / max(len(sample), 1)
    full_baseline = baseline + nearest_seconds
    print(
        f"baseline shapely STRtree + query_nearest for the {len(outside):,} points outside "
        f"(timed on {len(sample):,}): {full_baseline:6.2f} s"
    )

    geopandas_seconds = None
    try:
        import geopandas
    except ImportError:
        print("baseline geopandas sjoin: geopandas absent (pip install -e '.[bench]')")
    else:
        frame = geopandas.GeoDataFrame(geometry=geopandas.points_from_xy(lon, lat), crs=4326)
        zones = geopandas.GeoDataFrame({"ti": [t for t, _ in labels]}, geometry=polygons, crs=4326)

        def geopandas_baseline():
            clock = cpu_clock()
            geopandas.sjoin(frame, zones, predicate="intersects", how="left")
            return (*since(clock), None)

        geopandas_seconds, geopandas_cpu, _ = best(geopandas_baseline)
        print(
            f"baseline geopandas sjoin (in memory): {geopandas_seconds:6.2f} s "
            f"(CPU {geopandas_cpu:.2f} s)"
        )
        out = tmp / "geopandas-out.csv"
        geopandas_file, geopandas_file_cpu, _ = best(
            lambda: (*geopandas_file_to_file(source, out, labels, polygons), None)
        )
        same = column(out) == expected
        print(
            f"baseline geopandas file to file (read_csv, points_from_xy, sjoin, to_csv): "
            f"{geopandas_file:6.2f} s (CPU {geopandas_file_cpu:.2f} s); results identical to "
            f"shapely's: {same}"
        )

    for workers in (None, 1):
        args = [str(source), str(tmp / "points-out.csv"), "--lon-col", "lon", "--lat-col", "lat"]
        label = "default processes" if workers is None else f"{workers} process"
        if workers is not None:
            args += ["--processus", str(workers)]
        result = end_to_end(args)
        same = column(tmp / "points-out.csv") == expected
        proche = column(tmp / "points-out.csv", "id_ti_proche")
        agree = np.mean(
            [proche[p] == labels[n][0] for p, n in zip(sample, nearest_polygon, strict=True)]
        )
        line = (
            f"territoires tag, {label}: {result['wall']:6.2f} s end to end "
            f"({rows / result['wall']:,.0f} points/s), {result['wall'] / baseline:4.1f}x shapely "
            f"(target: 4x), {result['wall'] / full_baseline:4.1f}x shapely with the nearest"
        )
        print(line)
        if geopandas_seconds:
            print(
                f"  throughput (target: 2x geopandas): {geopandas_seconds / result['wall']:.2f}x "
                f"geopandas' sjoin in memory, {geopandas_file / result['wall']:.2f}x geopandas file "
                f"to file"
            )
        line = f"  CPU (command and its workers): {result['cpu']:.2f} s, {result['cpu'] / baseline_cpu:4.1f}x shapely's CPU"
        if geopandas_seconds:
            line += (
                f"; throughput per CPU second {geopandas_cpu / result['cpu']:.2f}x geopandas' "
                f"sjoin in memory, {geopandas_file_cpu / result['cpu']:.2f}x geopandas file to file"
            )
        print(line)
        print(
            f"  peak RSS: command {result['rss_mb']:.0f} MB, with its workers "
            f"{result['total_rss_mb']:.0f} MB; results identical to shapely's: {same}; nearest "
            f"territory the same as shapely's (in degrees) for {agree:.2%} of the sample"
        )
        print("  " + result["report"].replace("\n", "\n  "))
    bench_memory(source, tmp, rows)


def geopandas_file_to_file(source: Path, out: Path, labels, polygons) -> tuple[float, float]:
    """The command's job in geopandas, file to file, as a person would write it (no nearest
    territory, no neutralisation, no motif): (wall, CPU) seconds."""
    import geopandas
    import pandas

    zones = geopandas.GeoDataFrame(
        {"id_ti": [t for t, _ in labels], "lib_ti": [n for _, n in labels]},
        geometry=polygons,
        crs=4326,
    )
    clock = cpu_clock()
    frame = pandas.read_csv(source, sep=";")
    points = geopandas.GeoDataFrame(
        frame, geometry=geopandas.points_from_xy(frame["lon"], frame["lat"]), crs=4326
    )
    joined = geopandas.sjoin(points, zones[["id_ti", "lib_ti", "geometry"]], how="left")
    # A point on a border is in several territories: one row each, joined by « | » in ti_id order
    # (the polygons are in ti_id order) as the command writes them.
    several = joined.index.duplicated(keep=False)
    kept = joined[~joined.index.duplicated()][["id_ti", "lib_ti"]].copy()
    if several.any():
        grouped = (
            joined[several]
            .sort_values("index_right", kind="stable")
            .groupby(level=0, sort=False)[["id_ti", "lib_ti"]]
            .agg("|".join)
        )
        kept.loc[grouped.index, ["id_ti", "lib_ti"]] = grouped[["id_ti", "lib_ti"]]
    frame["id_ti"] = kept["id_ti"]
    frame["lib_ti"] = kept["lib_ti"]
    frame.to_csv(out, sep=";", index=False)
    return since(clock)


def bench_memory(source: Path, tmp: Path, rows: int) -> None:
    """Peak memory of one process on the first fifth of the file: bounded memory means the same peak."""
    part = tmp / "points-part.csv"
    with source.open(encoding="utf-8") as stream, part.open("w", encoding="utf-8") as out:
        for number, line in enumerate(stream):
            if number > rows // 5:
                break
            out.write(line)
    args = [str(part), str(tmp / "part-out.csv"), "--lon-col", "lon", "--lat-col", "lat"]
    result = end_to_end([*args, "--processus", "1"])
    print(
        f"  memory check, 1 process on the first {rows // 5:,} points: peak RSS "
        f"{result['rss_mb']:.0f} MB"
    )


def bench_codes(rows: int, tmp: Path, rng) -> None:
    links = TerritoryCommune.objects.filter(territory__phase=PHASE)
    table: dict[str, list[str]] = {}
    for code, ti_id in links.values_list("commune_id", "territory__ti_id"):
        table.setdefault(code, []).append(ti_id)
    from geo.models import Commune

    codes = sorted(Commune.objects.values_list("code", flat=True))
    plain = {code: "|".join(sorted(table.get(code, []))) for code in codes}
    drawn = rng.choice(np.array(codes), rows)
    source = tmp / "codes.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["id", "insee"])
        writer.writerows(zip(range(rows), drawn.tolist(), strict=True))
    print(f"== {rows:,} commune codes".replace(",", " "))

    def dict_baseline():
        clock = cpu_clock()
        with source.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream, delimiter=";")
            next(reader)
            expected = [plain.get(row[1], "") for row in reader]
        return (*since(clock), expected)

    baseline, baseline_cpu, expected = best(dict_baseline)
    print(
        f"baseline dict look-up (csv module, same file): {baseline:6.2f} s (CPU {baseline_cpu:.2f} s)"
    )

    # The floor of any CSV-to-CSV tool in Python: the same look-up, each row written back with its
    # territory by the csv module (no other column, no neutralisation, no motif).
    def floor_measure():
        clock = cpu_clock()
        with (
            source.open(encoding="utf-8", newline="") as stream,
            (tmp / "floor.csv").open("w", encoding="utf-8", newline="") as out,
        ):
            reader, writer = csv.reader(stream, delimiter=";"), csv.writer(out, delimiter=";")
            writer.writerow([*next(reader), "id_ti"])
            writer.writerows([*row, plain.get(row[1], "")] for row in reader)
        return (*since(clock), None)

    floor, _, _ = best(floor_measure)
    print(f"floor: the same look-up written back to a CSV file: {floor:6.2f} s")
    result = end_to_end([str(source), str(tmp / "codes-out.csv"), "--commune-col", "insee"])
    same = column(tmp / "codes-out.csv") == expected
    print(
        f"territoires tag: {result['wall']:6.2f} s end to end ({rows / result['wall']:,.0f} rows/s), "
        f"{result['wall'] / baseline:4.1f}x the dict look-up (target: 3x), "
        f"{result['wall'] / floor:4.1f}x the CSV-to-CSV floor"
    )
    print(
        f"  CPU: {result['cpu']:.2f} s, {result['cpu'] / baseline_cpu:4.1f}x the dict look-up's CPU"
    )
    print(f"  peak RSS: {result['rss_mb']:.0f} MB; results identical to the dict's: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--points-only", action="store_true", help="skip the commune codes")
    only.add_argument("--codes-only", action="store_true", help="skip the points")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each measure (smallest times kept)"
    )
    options = parser.parse_args()
    global REPEAT
    REPEAT = max(1, options.repeat)
    print(
        f"machine: {os.cpu_count()} cores; shapely {shapely.__version__}, GEOS {shapely.geos_version_string}"
    )
    print("load average at the start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        if not options.codes_only:
            bench_points(options.rows, Path(tmp), rng)
        if not options.points_only:
            bench_codes(options.rows, Path(tmp), rng)
    print("load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
