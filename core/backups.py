"""Backups: a consistent snapshot of every table and of the uploaded files, taken while the site serves.

A backup is a folder:

- ``database.sqlite3`` (SQLite's online backup API, one step: a snapshot under a read lock) or
  ``database.dump`` (``pg_dump`` custom format, run on a snapshot exported by a REPEATABLE READ
  transaction, in which the row counts are taken too: dump and counts see the same instant);
- ``media/``: a copy of MEDIA_ROOT (uploads, attachments), taken right after the database snapshot, so
  a file added meanwhile may be there unreferenced (harmless) — none referenced is missing unless it
  was deleted in those seconds, which ``verify-backup`` would not see and the restore drill would;
- ``manifest.json``: engine, date, applied migrations, the row count of every table, the SHA-256 of
  every file, and what the apps registered in ``MANIFEST_EXTRAS`` (the public data version).

``verify_backup`` checks a folder without restoring it (checksums; row counts read back from the
SQLite file or from the dump's data); ``restore_backup`` loads it into an empty or freshly migrated
database of the same engine and an empty media folder. docs/deploiement.md has the drill.

core knows no app: every table is found by introspection, and the apps add their manifest entries
through ``register_manifest_extra``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_DIR = "media"

MANIFEST_EXTRAS: dict[str, Callable[[], object]] = {}


class BackupError(Exception):
    """A refusal or a failure, in French, for the command's stderr."""


def register_manifest_extra(name: str, compute: Callable[[], object]) -> None:
    MANIFEST_EXTRAS[name] = compute


def engine_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Moteur de base de données non pris en charge : {vendor}.")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, dict]:
    return {
        path.relative_to(root).as_posix(): {"sha256": _sha256(path), "size": path.stat().st_size}
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


# --- PostgreSQL: libpq environment from Django's settings ------------------------------------------


def _pg_env(alias: str) -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore (the password never on a command line)."""
    params = connections[alias].get_connection_params()
    env = dict(os.environ)
    for key, name in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("dbname", "PGDATABASE"),
        ("sslmode", "PGSSLMODE"),
    ):
        if params.get(key):
            env[name] = str(params[key])
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{what} : programme introuvable ({command[0]}).") from error
    if done.returncode != 0:
        raise BackupError(f"{what} a échoué : {done.stderr.strip()[:2000]}")
    return done


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _pg_backup(alias: str, target: Path) -> dict[str, int]:
    import psycopg

    env = _pg_env(alias)
    params = connections[alias].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as snapshot_holder:
        with snapshot_holder.transaction():
            cursor = snapshot_holder.cursor()
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "-f", str(target)],
                env,
                "pg_dump",
            )
            counts = {}
            for table in _pg_tables(cursor):
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
    return counts


def _pg_dump_counts(dump: Path, alias: str) -> dict[str, int]:
    """Rows per table read back from the dump's data (its COPY blocks), without restoring it."""
    env = _pg_env(alias)
    process = subprocess.Popen(
        ["pg_restore", "--data-only", "-f", "-", str(dump)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    counts: dict[str, int] = {}
    table = None
    copy = re.compile(r'^COPY (?:[\w"]+\.)?"?([\w]+)"? \(')
    for line in process.stdout:
        if table is None:
            match = copy.match(line)
            if match:
                table = match.group(1)
                counts[table] = 0
        elif line == "\\.\n":
            table = None
        else:
            counts[table] += 1
    if process.wait() != 0:
        raise BackupError(f"pg_restore ne lit pas la sauvegarde : {process.stderr.read()[:2000]}")
    return counts


# --- SQLite --------------------------------------------------------------------------------------


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _sqlite_backup(alias: str, target: Path) -> dict[str, int]:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # pages=-1: the whole database in one step, under one read lock: a consistent snapshot even
        # while another process writes (it waits at most the busy timeout, 20 s).
        connection.connection.backup(destination, pages=-1)
        # The copy inherits the WAL mode of the live database; a backup is one self-contained file.
        destination.execute("PRAGMA journal_mode=DELETE")
        return _sqlite_counts(destination)
    finally:
        destination.close()


# --- Backup --------------------------------------------------------------------------------------


def _applied_migrations(alias: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[alias])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def create_backup(folder: Path, alias: str = "default") -> dict:
    """Write a backup into ``folder`` (new or empty); returns the manifest."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"Le dossier {folder} n'est pas vide : choisissez un dossier nouveau.")
    folder.mkdir(parents=True, exist_ok=True)
    engine = engine_of(alias)
    extras = {name: compute() for name, compute in sorted(MANIFEST_EXTRAS.items())}
    migrations = _applied_migrations(alias)
    if engine == "sqlite":
        counts = _sqlite_backup(alias, folder / SQLITE_FILE)
    else:
        counts = _pg_backup(alias, folder / PG_FILE)
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, folder / MEDIA_DIR, symlinks=False)
    else:
        (folder / MEDIA_DIR).mkdir()
    manifest = {
        "format": FORMAT,
        "engine": engine,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "migrations": migrations,
        "tables": counts,
        "files": _files(folder),
        **extras,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


# --- Verification --------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise BackupError(
            f"{path} est introuvable : ce dossier n'est pas une sauvegarde."
        ) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} est illisible (JSON attendu) : {error}.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde inconnu : {manifest.get('format')!r}.")
    return manifest


def verify_backup(folder: Path, alias: str = "default") -> list[str]:
    """The problems of a backup folder (checksums, row counts), in French; empty when it is sound."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = []
    found = _files(folder)
    for name, expected in manifest["files"].items():
        if name not in found:
            problems.append(f"Fichier manquant : {name}.")
        elif found[name]["sha256"] != expected["sha256"]:
            problems.append(f"Fichier altéré (somme SHA-256 différente) : {name}.")
    problems += [
        f"Fichier en trop : {name}." for name in sorted(set(found) - set(manifest["files"]))
    ]
    if problems:
        return problems
    if manifest["engine"] == "sqlite":
        database = sqlite3.connect(f"file:{folder / SQLITE_FILE}?mode=ro", uri=True)
        try:
            integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                problems.append(f"Base SQLite endommagée : {integrity}.")
            counts = _sqlite_counts(database)
        finally:
            database.close()
    else:
        counts = _pg_dump_counts(folder / PG_FILE, alias)
    for table, expected in sorted(manifest["tables"].items()):
        if counts.get(table) != expected:
            problems.append(
                f"Table {table} : {counts.get(table, 'absente')} lignes dans la sauvegarde, "
                f"{expected} attendues."
            )
    return problems


# --- Restore -------------------------------------------------------------------------------------


def _target_rows(alias: str) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {t: _count(cursor, connection, t) for t in tables}


def _freshly_migrated_rows() -> dict[str, int]:
    """Rows per table of a database that `migrate` has just created (data migrations included): a
    target holding no more than this holds no data of its own.

    Migrated in a child process on a temporary SQLite file, since some migrations (django-tasks-db's)
    write to the default database whatever the one migrated: about 5 s of CPU, so the counts are kept
    in the temporary folder, keyed by the migrations on disk (a new migration makes a new key)."""
    import sys
    import tempfile

    from django.db.migrations.loader import MigrationLoader

    names = sorted(
        f"{a}.{n}" for a, n in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    )
    key = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"territoires-reference-{key}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    with tempfile.TemporaryDirectory() as folder:
        reference = Path(folder) / "reference.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{reference}"}
        manage = [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"]
        _run(manage, env, "La migration de la base de référence")
        database = sqlite3.connect(reference)
        try:
            counts = _sqlite_counts(database)
        finally:
            database.close()
    cache.write_text(json.dumps(counts))
    return counts


def _count(cursor, connection, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
    return cursor.fetchone()[0]


def restore_backup(folder: Path, alias: str = "default", force: bool = False) -> dict:
    """Restore ``folder`` into the configured database and MEDIA_ROOT; returns the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    engine = engine_of(alias)
    if manifest["engine"] != engine:
        raise BackupError(
            f"Sauvegarde {manifest['engine']}, base cible {engine} : restaurez dans une base du même "
            "moteur."
        )
    problems = verify_backup(folder, alias)
    if problems:
        raise BackupError("Sauvegarde refusée : " + " ".join(problems))
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in known]
    if unknown:
        raise BackupError(
            "La sauvegarde vient d'une version plus récente du code (migrations inconnues : "
            + ", ".join(unknown[:5])
            + ") : déployez cette version avant de restaurer."
        )
    media = Path(settings.MEDIA_ROOT)
    if not force:
        fresh = _freshly_migrated_rows()
        filled = sorted(t for t, n in _target_rows(alias).items() if n > fresh.get(t, 0))
        if filled:
            raise BackupError(
                "La base cible contient déjà des données (" + ", ".join(filled[:5]) + ") : "
                "restaurez dans une base vide ou tout juste migrée, ou ajoutez --force."
            )
        if media.is_dir() and any(media.iterdir()):
            raise BackupError(
                f"Le dossier des fichiers {media} n'est pas vide : videz-le ou ajoutez --force."
            )
    if engine == "sqlite":
        _sqlite_restore(folder / SQLITE_FILE, alias)
    else:
        _pg_restore(folder / PG_FILE, alias)
    if media.is_dir() and force:
        shutil.rmtree(media)
    shutil.copytree(folder / MEDIA_DIR, media, dirs_exist_ok=True)
    return manifest


def _sqlite_restore(source_file: Path, alias: str) -> None:
    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        # The backup API replaces the whole target database, schema included, in one step.
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()
    connection.close()


def _pg_restore(dump: Path, alias: str) -> None:
    connections[alias].close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            connections[alias].get_connection_params()["dbname"],
            str(dump),
        ],
        _pg_env(alias),
        "pg_restore",
    )
