"""The restore drill of docs/deploiement.md on a programme 10x today's size, timed step by step.

    scripts/postgres.sh start; make load (DATABASE_URL=postgres://.../territoires)
    .venv/bin/python benchmarks/restore_drill.py [--scale 1.0] [--keep]

On the PostgreSQL server of DATABASE_URL (whose database, loaded by `make load`, is only read: it is
the template of the scratch one), in scratch databases dropped at the end (unless --keep):
1. a copy of the loaded database, with the generated programme committed in it (benchmarks/generate.py:
   2,000 territories, 100,000 actions, 50,000 service and 50,000 contact requests at --scale 1) and a
   few uploaded files;
2. ``territoires backup DIR`` (pg_dump, custom format), 3. ``territoires verify-backup DIR``,
4. ``territoires restore DIR`` into a new, empty database and an empty media folder, 5. the row count
of every table compared between the two databases.
Each step runs as a child process (`territoires ...`, as an operator would), timed by the wall clock.
Not a `*_bench.py`: `make bench` does not run it (it creates databases; ~2-5 min).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

GENERATE = """
import sys
from benchmarks.generate import generate
print(generate(territories={t}, actions={a}, requests={r}, services={s}).summary())
"""
UPLOADS = 20  # files in MEDIA_ROOT/private, 64 KB each: the backup copies and checks them too


def admin(sql: str) -> None:
    params = connection.get_connection_params()
    with psycopg.connect(
        dbname="postgres", host=params["host"], user=params.get("user"), autocommit=True
    ) as conn:
        conn.execute(sql)


def url_of(dbname: str) -> str:
    params = connection.get_connection_params()
    return f"postgres://{params.get('user', 'postgres')}@/{dbname}?host={params['host']}"


def territoires(env: dict, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "config.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"territoires {' '.join(args)} : échec\n{done.stdout}\n{done.stderr}")
    return seconds, (done.stdout + done.stderr).strip()


def row_counts(dbname: str) -> dict[str, int]:
    params = connection.get_connection_params()
    with psycopg.connect(dbname=dbname, host=params["host"], user=params.get("user")) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def database_size(dbname: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(%s)", [dbname])
        return cursor.fetchone()[0]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10x aujourd'hui (défaut)")
    parser.add_argument("--keep", action="store_true", help="garder les bases et le dossier")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("DATABASE_URL doit désigner la base PostgreSQL chargée par « make load »")
    template = connection.settings_dict["NAME"]
    connection.close()
    suffix = uuid.uuid4().hex[:8]
    source, target = f"exercice_source_{suffix}", f"exercice_cible_{suffix}"
    tmp = Path(tempfile.mkdtemp(prefix="exercice-restauration-"))
    backup = tmp / "sauvegarde"
    load = os.getloadavg()
    print(
        f"Charge au départ : {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        flush=True,
    )
    times = {}
    try:
        admin(f'CREATE DATABASE "{source}" TEMPLATE "{template}"')
        admin(f'CREATE DATABASE "{target}"')
        base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "LOG_LEVEL": "WARNING",
        }
        source_env = {**base_env, "DATABASE_URL": url_of(source), "MEDIA_ROOT": str(tmp / "media")}
        target_env = {
            **base_env,
            "DATABASE_URL": url_of(target),
            "MEDIA_ROOT": str(tmp / "media-restauree"),
        }
        private = tmp / "media" / "private" / "exercice"
        private.mkdir(parents=True)
        for n in range(UPLOADS):
            (private / f"piece-{n:02d}.bin").write_bytes(os.urandom(64 * 1024))
        (tmp / "media-restauree").mkdir()
        s = args.scale
        seconds, summary = territoires(
            source_env,
            "shell",
            "-c",
            GENERATE.format(
                t=int(2000 * s), a=int(100_000 * s), r=int(50_000 * s), s=int(2000 * s)
            ),
        )
        times["programme généré (hors exercice)"] = seconds
        print(summary, flush=True)
        size = database_size(source)
        print(f"Base source : {size / 1e6:.0f} Mo ; {UPLOADS} fichiers déposés", flush=True)
        for label, env, command in [
            ("territoires backup", source_env, ["backup", str(backup)]),
            ("territoires verify-backup", source_env, ["verify-backup", str(backup)]),
            ("territoires restore (base vide)", target_env, ["restore", str(backup)]),
        ]:
            seconds, output = territoires(env, *command)
            times[label] = seconds
            print(f"{label:36} {seconds:7.1f} s   {output.splitlines()[-1] if output else ''}")
        started = time.perf_counter()
        before, after = row_counts(source), row_counts(target)
        times["comparaison des lignes"] = time.perf_counter() - started
        different = {t: (before.get(t), after.get(t)) for t in before if before[t] != after.get(t)}
        print(
            f"Tables : {len(before)} ; lignes : {sum(before.values())} ; sauvegarde : "
            f"{folder_size(backup) / 1e6:.0f} Mo ; différences : {different or 'aucune'}"
        )
        restored_files = folder_size(tmp / "media-restauree")
        print(f"Fichiers restaurés : {restored_files // 1024} Ko sur {UPLOADS * 64} Ko")
        drill = sum(v for k, v in times.items() if k.startswith("territoires"))
        end = os.getloadavg()
        print(
            f"\nExercice (backup + verify-backup + restore) : {drill:.1f} s ; charge à la fin "
            f"{end[0]:.2f} {end[1]:.2f} {end[2]:.2f}"
        )
        return 0 if not different and restored_files == UPLOADS * 64 * 1024 else 1
    finally:
        if not args.keep:
            for name in (source, target):
                admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            subprocess.run(["rm", "-rf", str(tmp)], check=False)
        else:
            print(f"Gardés : bases {source}, {target} ; dossier {tmp}")


if __name__ == "__main__":
    sys.exit(main())
