"""Time of the whole reference load on SQLite: load-geo, then both phases, with rows per second.

Run with `make bench` (or `.venv/bin/python benchmarks/import_bench.py`). Target (issue 2): the whole reference
load in under 60 s on a 2-core machine. The baseline, measured in the same run, is the floor any loader pays:
parsing the same input files with json and inserting the same number of commune rows with sqlite3's executemany.
Each step runs in a fresh process on a fresh database file, so nothing is cached between them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERRITOIRES = [sys.executable, "-m", "config.cli"]


def data_dir() -> Path:
    return Path(os.environ.get("TERRITOIRES_DATA_DIR", ROOT.parent / "shared" / "data"))


def baseline_seconds(node_modules: Path) -> tuple[float, int]:
    start = time.perf_counter()
    communes = json.loads(
        (node_modules / "@etalab/decoupage-administratif/data/communes.json").read_text("utf-8")
    )
    for name in ("epci", "ept"):
        json.loads(
            (node_modules / f"@etalab/decoupage-administratif/data/{name}.json").read_text("utf-8")
        )
    for relative in (
        "geo/departements.geojson",
        "geo/regions.geojson",
        "ti/ti-2023-2027.geojson",
        "ti/ti-2019-2022.geojson",
    ):
        json.loads((data_dir() / relative).read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        connection = sqlite3.connect(Path(tmp) / "floor.sqlite3")
        connection.execute(
            "create table commune (code text primary key, name text, population integer)"
        )
        rows = [
            (c["code"], c["nom"], c.get("population", 0))
            for c in communes
            if c["type"] == "commune-actuelle"
        ]
        with connection:
            connection.executemany("insert into commune values (?, ?, ?)", rows)
        connection.close()
    return time.perf_counter() - start, len(rows)


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(TERRITOIRES + args, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def rows_written(database: Path, phase: str | None) -> int:
    """Rows the step produced: the geography tables, or a phase's territories, members and commune links."""
    connection = sqlite3.connect(database)
    if phase is None:
        tables = ["geo_region", "geo_departement", "geo_groupement", "geo_commune"]
        count = sum(connection.execute(f"select count(*) from {t}").fetchone()[0] for t in tables)
    else:
        count = sum(
            connection.execute(sql, (phase,)).fetchone()[0]
            for sql in (
                "select count(*) from territories_territory where phase_id = ?",
                "select count(*) from territories_territorymember m join territories_territory t on t.id = m.territory_id where t.phase_id = ?",
                "select count(*) from territories_territorycommune c join territories_territory t on t.id = c.territory_id where t.phase_id = ?",
            )
        )
    connection.close()
    return count


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        subprocess.run(TERRITOIRES + ["migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        floor, floor_rows = baseline_seconds(ROOT / "node_modules")
        steps = [
            ("load-geo", ["load-geo"], None),
            (
                "import-ti 2023-2027",
                ["import-ti", str(data_dir() / "ti/ti-2023-2027.geojson"), "--phase", "2023-2027"],
                "2023-2027",
            ),
            (
                "import-ti 2019-2022",
                ["import-ti", str(data_dir() / "ti/ti-2019-2022.geojson"), "--phase", "2019-2022"],
                "2019-2022",
            ),
            (
                "re-import 2023-2027 (unchanged)",
                ["import-ti", str(data_dir() / "ti/ti-2023-2027.geojson"), "--phase", "2023-2027"],
                "2023-2027",
            ),
        ]
        print(
            f"baseline (json parse of the inputs + sqlite3 insert of {floor_rows} communes): {floor:.2f} s"
        )
        total = 0.0
        for label, args, phase in steps:
            seconds = timed(args, env)
            rows = rows_written(Path(tmp) / "bench.sqlite3", phase)
            total += seconds if not label.startswith("re-import") else 0
            print(
                f"{label:34s} {seconds:6.2f} s  {rows / seconds:9.0f} rows/s  {seconds / floor:5.1f}x baseline"
            )
        print(
            f"{'whole reference load':34s} {total:6.2f} s  {total / floor:5.1f}x baseline  (target: < 60 s)"
        )


if __name__ == "__main__":
    main()
