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
Then the catalogue page (/offre/) with 2,000 services against the same bare view, on gunicorn (2 workers
× 4 threads) at 32 connections (benchmarks/web_bench.py's method; target 3x), when the catalogue is
installed (helper offers-public's branch); otherwise the script says so. Those services are committed
(gunicorn reads through its own connections) and deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# benchmarks.common first: it sets Django up with the benchmark settings (DEBUG off, the bare view).
from benchmarks.common import FLOOR_URL, national_client, page_exists, timed  # noqa: E402, I001
from django.db import connection, transaction  # noqa: E402

from benchmarks.generate import generate  # noqa: E402
from offers.models import ServiceRequest  # noqa: E402
from offers.services.ledger import compute_ledger  # noqa: E402

TARGET = 2.0
CATALOGUE_TARGET = 3.0
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


def raw_sql(query: str):
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
        cursor.execute(TOTALS)
        return rows, cursor.fetchone()


def page_size(base: str, path: str) -> int:
    """The page's weight as served (bytes of HTML, uncompressed: the server does not compress)."""
    from urllib.request import urlopen

    with urlopen(base + path) as response:  # noqa: S310 (loopback)
        return len(response.read())


def measure_catalogue(url: str, requests: int, concurrency: int) -> bool:
    """The catalogue page with 2,000 services against the floor, on gunicorn at ``concurrency``
    connections (web_bench's method). gunicorn reads the database from its own connections, so these
    services are committed, then deleted (benchmarks.generate.delete_generated)."""
    from benchmarks.generate import delete_generated
    from benchmarks.web_bench import hammer
    from public.tests import server as devserver

    generate(territories=2_000, actions=0, requests=0, services=2_000)
    try:
        env = dict(os.environ)
        env.update(
            {
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
                "LOG_LEVEL": "WARNING",
            }
        )
        floor_url = "/bench/plancher/"
        with devserver.running_server(
            env, workers=2, threads=4, warm_urls=(), ready_path=floor_url
        ) as base:
            for _ in range(6):  # each worker warms up
                hammer(base, floor_url, 2, 1)
                hammer(base, url, 2, 1)
            floor = hammer(base, floor_url, requests, concurrency)
            page = hammer(base, url, requests, concurrency)
            size = page_size(base, url)
    finally:
        delete_generated()
    ratio = floor["rps"] / page["rps"] if page["rps"] else float("inf")
    print(
        f"\nCatalogue {url} (2 000 services), {requests} requêtes, {concurrency} connexions, "
        f"gunicorn 2×4 :\n  plancher {floor['rps']} req/s (p50 {floor['p50_ms']} ms), page "
        f"{page['rps']} req/s (p50 {page['p50_ms']} ms, {page['errors']} erreurs) : "
        f"{ratio:.2f}x (objectif ≤ {CATALOGUE_TARGET:.0f}x) ; page de {size / 1000:.1f} ko"
    )
    return ratio <= CATALOGUE_TARGET and not page["errors"]


def measure_ledger(scale: float, repeat: int) -> bool:
    """The national ledger page against the raw SQL GROUP BY plus the bare view (rolled back)."""
    ok = True
    with transaction.atomic():
        sizes = generate(
            territories=int(2_000 * scale),
            actions=int(100_000 * scale),
            requests=int(50_000 * scale),
            services=int(2_000 * scale),
        )
        print(sizes.summary(), flush=True)
        client = national_client()
        floor_url = FLOOR_URL
        print(f"\n{'':42} {'page':>9} {'SQL + vue nue':>14} {'ratio':>7}")
        for grouping, query in BASELINES.items():
            url = f"/registre/?regroupement={grouping}"
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            shown = compute_ledger(ServiceRequest.objects.all(), ()).totals
            page_time, _ = timed(lambda url=url: client.get(url), repeat)
            sql_time, (rows, totals) = timed(lambda q=query: raw_sql(q), repeat)
            floor_time, _ = timed(lambda: client.get(floor_url), repeat)
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
        # For information (no target in the issue): an operator's actions to support, first page.
        operator = ServiceRequest.objects.order_by("operator__slug").values("operator__slug")[0]
        url = f"/registre/actions-a-accompagner/?operateur={operator['operator__slug']}"
        client.get(url)
        page_time, _ = timed(lambda: client.get(url), repeat)
        print(
            f"{'Actions à accompagner (un opérateur)':42} {page_time * 1000:>7.0f} ms", flush=True
        )
        transaction.set_rollback(True)
    print(f"Objectif : le registre à moins de {TARGET:.0f}x de la base de comparaison.")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10x aujourd'hui (défaut)")
    parser.add_argument("--repeat", type=int, default=7, help="mesures par cas (médiane)")
    parser.add_argument("--catalogue-url", default="/offre/", help="page du catalogue (/offre/)")
    parser.add_argument("--requests", type=int, default=600, help="requêtes au catalogue")
    parser.add_argument("--concurrency", type=int, default=32, help="connexions au catalogue")
    parser.add_argument("--sans-registre", action="store_true", help="le catalogue seulement")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("Attention : base", connection.vendor, "— l'objectif se mesure sur PostgreSQL.")
    ok = True if args.sans_registre else measure_ledger(args.scale, args.repeat)
    if page_exists(args.catalogue_url):
        ok = measure_catalogue(args.catalogue_url, args.requests, args.concurrency) and ok
    else:
        print(
            f"\nCatalogue ({args.catalogue_url}) absent de cette branche : non mesuré "
            "(objectif 3x la vue nue à 32 connexions)."
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
