"""Scratch databases for tests that run `territoires` in child processes (backups, task workers):
a temporary SQLite file, or a new database on the test PostgreSQL server, that child processes can
see (the test's own database lives in a transaction they cannot see)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class Scratch:
    """A database of the engine under test, and a media folder, for `territoires` child processes."""

    def __init__(self, tmp_path: Path, name: str, template: Scratch | None = None):
        """``template``: start as a copy of that (migrated) database, instead of an empty one."""
        self.media = tmp_path / f"media-{name}"
        self.media.mkdir(parents=True)
        if connection.vendor == "sqlite":
            self.file = tmp_path / f"{name}.sqlite3"
            if template is not None:
                shutil.copyfile(template.file, self.file)
            self.url = f"sqlite:///{self.file}"
        else:
            params = connection.get_connection_params()
            self.dbname = f"sauvegarde_{name}_{uuid.uuid4().hex[:8]}"
            copy = f' TEMPLATE "{template.dbname}"' if template is not None else ""
            self._admin(f'CREATE DATABASE "{self.dbname}"{copy}')
            self.url = (
                f"postgres://{params.get('user', 'postgres')}@/{self.dbname}?host={params['host']}"
            )

    def _admin(self, sql: str) -> None:
        import psycopg

        params = connection.get_connection_params()
        with psycopg.connect(
            dbname="postgres", host=params["host"], user=params.get("user"), autocommit=True
        ) as admin:
            admin.execute(sql)

    def drop(self) -> None:
        if connection.vendor != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')

    def env(self) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.media),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
        }

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "django", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check:
            assert done.returncode == 0, done.stderr[-3000:]
        return done

    def python(self, code: str, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str) -> list[tuple]:
        if connection.vendor == "sqlite":
            database = sqlite3.connect(self.file)
            try:
                return list(database.execute(sql))
            finally:
                database.close()
        import psycopg

        params = connection.get_connection_params()
        with psycopg.connect(
            dbname=self.dbname, host=params["host"], user=params.get("user")
        ) as db:
            return list(db.execute(sql))

    def tables(self) -> dict[str, list]:
        """Every table's rows, in a stable order (so two databases compare field by field)."""
        if connection.vendor == "sqlite":
            names = self.query(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        else:
            names = self.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        return {n: sorted(map(repr, self.query(f'SELECT * FROM "{n}"'))) for (n,) in names}

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.media).as_posix(): p.read_bytes()
            for p in self.media.rglob("*")
            if p.is_file()
        }
