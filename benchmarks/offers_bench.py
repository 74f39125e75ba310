"""The operators' ledger on a programme 10x today's size, against the same totals by one raw SQL GROUP BY.

Run after `make load`, on PostgreSQL (scripts/postgres.sh start; DATABASE_URL=postgres://...), with
`.venv/bin/python benchmarks/offers_bench.py [--scale 1.0] [--repeat 7]` (`make bench` runs it with the
others). benchmarks/generate.py makes the programme (2,000 territories, 100,000 actions, 50,000 requests,
2,000 services at --scale 1) inside one transaction that is rolled back: the database is left as it was.

Measured, each the median of --repeat runs, in one process through Django's test client (the whole
middleware stack, the national team signed in, DEBUG off):
- the national ledger page (/registre/), grouped by operator (the default) and by operator, territory,
  axis and phase (100 rows a page, every row computed);
- the baseline: the same totals by one raw SQL GROUP BY (plus the grand totals, percentile_cont median
  included) and a bare view (benchmarks/bench_urls.py's floor, the framework's least).
Target (issue 11): the page within 2x the baseline. Prints the ratio; exit 1 above it.
The catalogue page (/offre/, 2,000 services at 32 connections, target 3x) is measured only when the
catalogue is installed (helper offers-public's branch); otherwise the script says so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from benchmarks.generate import generate  # noqa: E402
from offers.models import ServiceRequest  # noqa: E402
from offers.services.ledger import compute_ledger  # noqa: E402

TARGET = 2.0
DECIDED = "('acceptee', 'refusee')"
MEDIAN = (
    f"percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN r.state IN {DECIDED} AND r.decided_at IS NOT "
    "NULL THEN EXTRACT(EPOCH FROM (r.decided_at - r.created_at)) / 86400.0 END)"
)
NUMBERS = f"""
    COUNT(*), COALESCE(SUM(r.amount_requested), 0), COALESCE(SUM(f.granted_amount), 0),
    COALESCE(SUM(f.paid_amount), 0), COUNT(*) FILTER (WHERE r.state IN {DECIDED}),
    COUNT(*) FILTER (WHERE r.state = 'refusee'), {MEDIAN}
"""
FROM = """
    FROM offers_servicerequest r
    JOIN offers_operator o ON o.id = r.operator_id
    JOIN territories_territory t ON t.id = r.territory_id
    LEFT JOIN plans_action a ON a.id = r.action_id
    LEFT JOIN plans_funding f ON f.id = r.funding_id
"""
BASELINES = {
    "operateur": f"SELECT r.operator_id, o.name, {NUMBERS} {FROM} GROUP BY r.operator_id, o.name",
    "detail": f"""SELECT r.operator_id, o.name, r.territory_id, t.name, t.ti_id, t.phase_id, a.axis,
        {NUMBERS} {FROM} GROUP BY r.operator_id, o.name, r.territory_id, t.name, t.ti_id, t.phase_id,
        a.axis""",
}
TOTALS = f"SELECT {NUMBERS} {FROM}"


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def raw_sql(query: str):
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
        cursor.execute(TOTALS)
        return rows, cursor.fetchone()


def national_client() -> Client:
    from django.contrib.auth import get_user_model

    from accounts.models import Role
    from accounts.services.roles import grant_role

    user = get_user_model().objects.create(
        username="bench-national@example.org", email="bench-national@example.org"
    )
    grant_role(user, Role.EQUIPE_NATIONALE)
    client = Client()
    client.force_login(user)
    return client


def catalogue_installed() -> bool:
    try:
        resolve("/offre/")
    except Resolver404:
        return False
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10x aujourd'hui (défaut)")
    parser.add_argument("--repeat", type=int, default=7, help="mesures par cas (médiane)")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("Attention : base", connection.vendor, "— l'objectif se mesure sur PostgreSQL.")
    # The test client's host, without setup_test_environment(): its template instrumentation (a
    # signal and a context copy per template) would slow the page, not what is measured here.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ok = True
    with transaction.atomic():
        sizes = generate(
            territories=int(2_000 * args.scale),
            actions=int(100_000 * args.scale),
            requests=int(50_000 * args.scale),
            services=int(2_000 * args.scale),
        )
        print(sizes.summary(), flush=True)
        client = national_client()
        floor_url = "/bench/plancher/"
        client.get(floor_url)  # warm up sessions, templates, caches
        print(f"\n{'':42} {'page':>9} {'SQL + vue nue':>14} {'ratio':>7}")
        for grouping, query in BASELINES.items():
            url = f"/registre/?regroupement={grouping}"
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            shown = compute_ledger(ServiceRequest.objects.all(), ()).totals
            page_time, _ = timed(lambda url=url: client.get(url), args.repeat)
            sql_time, (rows, totals) = timed(lambda q=query: raw_sql(q), args.repeat)
            floor_time, _ = timed(lambda: client.get(floor_url), args.repeat)
            if connection.vendor == "postgresql":  # the same numbers, or the ratio means nothing
                assert (shown.requests, shown.asked, shown.granted, shown.paid) == tuple(
                    totals[:4]
                ), (shown, totals)
            baseline = sql_time + floor_time
            ratio = page_time / baseline
            ok = ok and ratio <= TARGET
            label = f"Registre national, {grouping} ({len(rows)} lignes)"
            print(
                f"{label:42} {page_time * 1000:>7.0f} ms {baseline * 1000:>11.0f} ms "
                f"{ratio:>6.2f}x" + ("" if ratio <= TARGET else f"  > {TARGET:.0f}x"),
                flush=True,
            )
        transaction.set_rollback(True)
    if not catalogue_installed():
        print(
            "\nCatalogue (/offre/) absent de cette branche : non mesuré (objectif 3x à 32 connexions)."
        )
    print(f"\nObjectif : le registre à moins de {TARGET:.0f}x de la base de comparaison.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
