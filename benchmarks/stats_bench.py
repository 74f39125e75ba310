"""The figures of issue 13: the national dashboard on the programme 10x today's size, and
``POST /api/v1/lookup/batch`` of 10,000 communes, each against its baseline in the same run.

    scripts/postgres.sh start; make load (DATABASE_URL=postgres://...)
    .venv/bin/python benchmarks/stats_bench.py [--scale 1.0] [--repeat 5] [--communes 10000]

- The national dashboard (/tableaux-de-bord/) on the generated programme (benchmarks/generate.py,
  rolled back at the end), signed in as the national team, through Django's test client (the whole
  middleware stack, DEBUG off), against the same figures computed by raw SQL plus the bare view
  (benchmarks/dashboard.py). Target: within 3x.
- ``POST /api/v1/lookup/batch`` of --communes distinct commune codes of the real data (drawn with a
  fixed seed) through the test client, against a dictionary look-up of the same codes in every
  commune's answer prepared beforehand, plus their JSON encoding (orjson, as the endpoint; the same
  bytes, checked). The index the endpoint
  builds once per process is warmed up first (its building is not what is measured). Target: within 2x.

Each figure is the median of --repeat runs; prints the ratios, exit 1 when one misses its target.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks import common  # noqa: E402  (sets Django up)

DASHBOARD_TARGET = 3.0
BATCH_TARGET = 2.0
BATCH_URL = "/api/v1/lookup/batch"


def measure_dashboard(scale: float, repeat: int) -> bool:
    from benchmarks.common import HEADER
    from benchmarks.dashboard import dashboard_comparison
    from benchmarks.generate import generate

    with transaction.atomic():
        sizes = generate(
            territories=int(2_000 * scale),
            actions=int(100_000 * scale),
            requests=int(50_000 * scale),
            services=int(2_000 * scale),
        )
        print(sizes.summary(), flush=True)
        print(f"\n{HEADER}")
        result = dashboard_comparison(
            common.national_client(), repeat, DASHBOARD_TARGET, sizes.phase
        )
        transaction.set_rollback(True)
    return result is None or result.ok


def measure_batch(count: int, repeat: int) -> bool:
    from api.v1.base import TerritoryUrls
    from api.v1.lookup import _with_urls
    from geo.models import Commune
    from territories.services import batch_lookup

    codes = sorted(Commune.objects.values_list("code", flat=True))
    if len(codes) < count:
        print(f"Seulement {len(codes)} communes chargées : « make load » d'abord.")
        return False
    chosen = random.Random(0).sample(codes, count)
    body = orjson.dumps({"communes": chosen})
    client = Client()

    def endpoint():
        response = client.post(BATCH_URL, body, content_type="application/json")
        assert response.status_code == 200, response.status_code
        return response.content

    endpoint()  # warms the per-process index up
    # The baseline's dictionary: every commune's answer, keyed by code, built beforehand (in code
    # order, as the index is) with the endpoint's own functions, so that both encode the same kind of
    # objects. Encoding the answers read back from the endpoint's JSON instead was 6-13x faster than
    # encoding these (orjson, same bytes out): a baseline of copies would measure that, not the work.
    urls = TerritoryUrls()
    prepared = {}
    for start in range(0, len(codes), 10_000):
        for item in batch_lookup.commune_lookups(codes[start : start + 10_000]):
            prepared[item["requete"]] = _with_urls(item, urls)

    def baseline():
        return orjson.dumps({"resultats": [prepared[code] for code in chosen]})

    assert baseline() == endpoint(), "la réponse n'est pas celle du dictionnaire"
    page, _ = common.timed(endpoint, repeat)
    sql, _ = common.timed(baseline, repeat)
    floor, _ = common.timed(lambda: client.get(common.FLOOR_URL), repeat)
    ratio = page / sql
    index = batch_lookup.commune_index()
    print(
        f"\nPOST {BATCH_URL}, {count} communes ({len(body) // 1024} Ko envoyés, "
        f"{len(baseline()) // 1024} Ko reçus ; index de {len(index.communes)} communes) :\n"
        f"  point d'accès {page * 1000:.0f} ms ; dictionnaire + JSON {sql * 1000:.0f} ms "
        f"(vue nue {floor * 1000:.1f} ms) : {ratio:.2f}x"
        + ("" if ratio <= BATCH_TARGET else f"  > {BATCH_TARGET:g}x"),
        flush=True,
    )
    return ratio <= BATCH_TARGET


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10x aujourd'hui (défaut)")
    parser.add_argument("--repeat", type=int, default=5, help="mesures par cas (médiane ; 5)")
    parser.add_argument(
        "--communes",
        type=int,
        default=10_000,
        help="communes par appel (défaut 10000, au plus 10000)",
    )
    parser.add_argument("--sans-tableau", action="store_true", help="lookup/batch seulement")
    args = parser.parse_args(argv)
    if not 1 <= args.communes <= 10_000:
        parser.error("--communes entre 1 et 10000")
    print(common.machine())
    postgres = connection.vendor == "postgresql"
    if not postgres:
        # The dashboard's baseline is PostgreSQL's SQL (jsonb, DISTINCT ON, GROUPING SETS).
        print(f"Base {connection.vendor} : tableau de bord non mesuré (PostgreSQL seulement).")
    ok = True if args.sans_tableau or not postgres else measure_dashboard(args.scale, args.repeat)
    ok = measure_batch(args.communes, args.repeat) and ok
    print(
        f"\nObjectifs : le tableau de bord national à moins de {DASHBOARD_TARGET:g}x du SQL brut plus "
        f"la vue nue ; lookup/batch à moins de {BATCH_TARGET:g}x du dictionnaire plus JSON."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
