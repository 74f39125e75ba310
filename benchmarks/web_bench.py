"""Throughput and latency of the public pages against the framework's floor, on gunicorn.

    .venv/bin/python benchmarks/web_bench.py [--requests 600] [--concurrency 32] [--workers 2]

Builds a throwaway SQLite database with the real data (public/tests/server.py, ~25 s), starts gunicorn on
a loopback port, and for each URL sends ``--requests`` GETs from ``--concurrency`` connections (one
thread each, keep-alive). The floor is a bare Django view returning a small JSON
through the same middleware stack (benchmarks/bench_urls.py), served with DEBUG off
(benchmarks/bench_settings.py). Loopback only, bounded number of requests. Prints a table and writes JSON to
test-artifacts/web_bench.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from public.tests import server as devserver  # noqa: E402

FLOOR = ("plancher (vue JSON Django nue)", "/bench/plancher/")
TARGETS = [
    ("accueil", "/"),
    ("page territoire", "/territoires/2023-2027/ti-1108/"),
    ("page département", "/departements/77/"),
    ("recherche (API)", "/api/v1/recherche?q=meaux"),
]
TARGET_RATIO = 3.0


def hammer(base: str, path: str, total: int, concurrency: int) -> dict:
    """``total`` GETs of ``path`` over ``concurrency`` keep-alive connections; latencies in ms."""
    parsed = urlparse(base)
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        own = []
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                errors.append(str(error))
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                continue
            own.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="requêtes par URL (défaut 600)")
    parser.add_argument(
        "--concurrency", type=int, default=32, help="connexions simultanées (défaut 32)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="processus gunicorn (défaut 2, un par cœur)"
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="fils par processus gunicorn (défaut 4)"
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="base SQLite déjà chargée (lue seulement) au lieu d'en préparer une",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 20000 or not 1 <= args.concurrency <= 256:
        parser.error("--requests entre 1 et 20000, --concurrency entre 1 et 256")

    with tempfile.TemporaryDirectory() as tmp:
        if args.database:
            env = devserver.server_environment(args.database.resolve())
        else:
            print("Préparation de la base (migrate, load-geo, import-ti)…", flush=True)
            env = devserver.prepare_database(Path(tmp) / "bench.sqlite3")
        env.update(
            {
                "DEBUG": "false",
                "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
                "ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            }
        )
        warm = tuple(path for _, path in [FLOOR, *TARGETS])
        with devserver.running_server(
            env, workers=args.workers, threads=args.threads, warm_urls=(), ready_path=FLOOR[1]
        ) as base:
            for _ in range(
                args.workers * 3
            ):  # each worker builds its caches (search index, figures)
                for path in warm:
                    hammer(base, path, 2, 1)
            results = {}
            for label, path in [FLOOR, *TARGETS]:
                results[label] = {
                    "url": path,
                    **hammer(base, path, args.requests, args.concurrency),
                }
    floor = results[FLOOR[0]]["rps"]
    print(
        f"\n{args.requests} requêtes par URL, {args.concurrency} connexions, gunicorn {args.workers}×{args.threads}\n"
    )
    print(f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'plancher/page':>14} {'erreurs':>8}")
    ok = True
    for label, row in results.items():
        ratio = floor / row["rps"] if row["rps"] else float("inf")
        row["ratio_to_floor"] = round(ratio, 2)
        within = ratio <= TARGET_RATIO or label == FLOOR[0]
        ok = ok and within and not row["errors"]
        print(
            f"{label:34} {row['rps']:>8} {row['p50_ms']:>8} {row['p99_ms']:>8} {ratio:>13.2f}x {row['errors']:>8}"
            + ("" if within else "  > 3x")
        )
    out = ROOT / "test-artifacts" / "web_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {"settings": {k: str(v) for k, v in vars(args).items()}, "results": results},
            indent=2,
            ensure_ascii=False,
        )
    )
    print(
        f"\nRésultats : {out.relative_to(ROOT)} ; objectif : chaque page à moins de {TARGET_RATIO:.0f}x du plancher."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
