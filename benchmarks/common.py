"""What the benchmarks on the generated programme share: Django set up with the benchmark settings
(DEBUG off, the bare view at FLOOR_URL), medians of repeated timings, a signed-in national team
client, and the "page against raw SQL plus the bare view" comparison they all print.

Import it first (it calls django.setup()):

    from benchmarks import common  # noqa: I001
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

FLOOR_URL = "/bench/plancher/"
# The test client's host, without setup_test_environment(): its template instrumentation (a signal and
# a context copy per template) would slow the pages, which is not what is measured.
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def machine() -> str:
    """The machine and its load, printed at the top of every result (the machine is shared)."""
    load = os.getloadavg()
    return (
        f"{platform.node()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"base {connection.vendor}, charge {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"(1, 5, 15 min), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def timed(function, repeat: int) -> tuple[float, object]:
    """(median seconds of ``repeat`` calls, the last result)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def raw_sql(*queries: tuple[str, list]) -> list:
    """Run each (sql, params) and fetch every row: the baselines' figures."""
    results = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
    return results


def national_client(username: str = "bench-national@example.org") -> Client:
    """A test client signed in as the national team (sees every page and every action)."""
    from django.contrib.auth import get_user_model

    from accounts.models import Role
    from accounts.services.roles import grant_role

    user, _ = get_user_model().objects.get_or_create(username=username, email=username)
    grant_role(user, Role.EQUIPE_NATIONALE)
    client = Client()
    client.force_login(user)
    client.get(FLOOR_URL)  # sessions, middleware and templates warmed up
    return client


def page_exists(url: str) -> bool:
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return False
    return True


@dataclass
class Comparison:
    label: str
    page: float  # seconds (median)
    sql: float
    floor: float
    target: float

    @property
    def baseline(self) -> float:
        return self.sql + self.floor

    @property
    def ratio(self) -> float:
        return self.page / self.baseline

    @property
    def ok(self) -> bool:
        return self.ratio <= self.target

    def line(self) -> str:
        return (
            f"{self.label:46} {self.page * 1000:>8.0f} ms {self.sql * 1000:>8.0f} ms "
            f"{self.floor * 1000:>6.1f} ms {self.ratio:>7.2f}x"
            + ("" if self.ok else f"  > {self.target:g}x")
        )


HEADER = f"{'':46} {'page':>11} {'SQL brut':>11} {'vue nue':>9} {'ratio':>8}"


def compare_page(
    client: Client, label: str, url: str, queries, repeat: int, target: float
) -> Comparison:
    """The page (median of ``repeat`` GETs, after one to warm up) against the same figures by raw
    SQL (``queries``: (sql, params) pairs) plus the bare view."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page, _ = timed(lambda: client.get(url), repeat)
    sql, _ = timed(lambda: raw_sql(*queries), repeat)
    floor, _ = timed(lambda: client.get(FLOOR_URL), repeat)
    result = Comparison(label, page, sql, floor, target)
    print(result.line(), flush=True)
    return result
