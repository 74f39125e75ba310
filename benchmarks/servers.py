"""One way for the benchmarks to start application servers and load them: gunicorn instances on
loopback ports (public/tests/server.py's running_server, as config/tests/test_servers.py starts its
two), on a throwaway SQLite database or on an existing PostgreSQL one, and ``hammer``, which sends
GETs over keep-alive connections spread evenly over the instances (what a proxy in front of them
does: docs/deploiement.md).
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlparse

from public.tests import server as devserver

FLOOR_PATH = "/bench/plancher/"


def bench_environment(env: dict) -> dict:
    """Production-like settings (DEBUG off, benchmarks/bench_settings.py and its bare view)."""
    return {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "MAP_TILES_URL": "",
        "LOG_LEVEL": "WARNING",
    }


def sqlite_environment(database: Path, prepare: bool) -> dict:
    """A SQLite database with the real data: prepared here (~25 s) unless ``prepare`` is false."""
    if prepare:
        print("Préparation de la base (migrate, load-geo, import-ti)…", flush=True)
        return bench_environment(devserver.prepare_database(database))
    return bench_environment(devserver.server_environment(database.resolve()))


def database_environment(database_url: str) -> dict:
    """An existing database (PostgreSQL: loaded by `make load`), read by every instance."""
    env = devserver.server_environment(Path("/dev/null"))
    env["DATABASE_URL"] = database_url
    return bench_environment(env)


@contextmanager
def running_servers(env: dict, instances: int = 1, workers: int = 2, threads: int = 4):
    """``instances`` gunicorn servers (``workers`` × ``threads`` each) on free loopback ports; yields
    their base URLs once each answers the bare view."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                devserver.running_server(
                    env, workers=workers, threads=threads, warm_urls=(), ready_path=FLOOR_PATH
                )
            )
            for _ in range(instances)
        ]


def hammer(
    bases: str | list[str],
    path: str | list[str],
    total: int,
    concurrency: int,
    method: str = "GET",
    body=None,
) -> dict:
    """``total`` requests of ``path`` over ``concurrency`` keep-alive connections, connection i to
    instance i mod len(bases); latencies in ms. ``path`` may be a list: request n asks for
    path[n mod len(path)] (different addresses, e.g. points, that no cache has seen)."""
    if isinstance(bases, str):
        bases = [bases]
    paths = [path] if isinstance(path, str) else list(path)
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(total))
    headers = {"Accept-Encoding": "gzip"}
    if body is not None:
        headers["Content-Type"] = "application/json"

    def worker(base: str):
        parsed = urlparse(base)

        def connect():
            return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)

        connection = connect()
        own = []
        while True:
            with lock:
                number = next(counter, None)
                if number is None:
                    break
            started = time.perf_counter()
            try:
                connection.request(method, paths[number % len(paths)], body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                errors.append(str(error))
                connection.close()
                connection = connect()
                continue
            own.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(own)

    threads = [
        threading.Thread(target=worker, args=(bases[n % len(bases)],)) for n in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1)
        if latencies
        else None,
    }
