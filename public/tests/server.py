"""A throwaway gunicorn over its own SQLite database filled with the real data, for
benchmarks/web_bench.py (measures need a real server). Loopback only.

The browser tests do not use it: their pages come from Django's test client, over the test
database (conftest.browser_context), which saved ~20 s of set-up (a second data load, gunicorn).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PHASE_FILES = {"2019-2022": "ti/ti-2019-2022.geojson", "2023-2027": "ti/ti-2023-2027.geojson"}


def server_environment(database: Path) -> dict:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "DEBUG": "true",  # static files served by whitenoise's finders, no collectstatic needed
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MAP_TILES_URL": "",  # offline: the maps draw on a plain background
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _territoires(*args: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "config.cli", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_database(database: Path) -> dict:
    """migrate + load-geo + import-ti of both phases into ``database`` (~25 s); the server's environment."""
    env = server_environment(database)
    data_dir = Path(settings.TERRITOIRES_DATA_DIR)
    _territoires("migrate", "--noinput", "-v", "0", env=env)
    _territoires("load-geo", env=env)
    for phase, relative in PHASE_FILES.items():
        _territoires("import-ti", str(data_dir / relative), "--phase", phase, env=env)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    env: dict,
    workers: int = 1,
    threads: int = 4,
    warm_urls: tuple[str, ...] = ("/",),
    ready_path: str = "/",
):
    """gunicorn on a free loopback port; yields its base URL once ``warm_urls`` answered."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + ready_path, timeout=60) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Le serveur de test n'a pas démarré.") from None
                time.sleep(0.3)
        for (
            url
        ) in warm_urls:  # build the per-process caches (search index, map data) before measuring
            urllib.request.urlopen(base + url, timeout=120).read()
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
