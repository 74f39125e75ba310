"""The programme 10x today's size on PostgreSQL (issue 14): pages against raw SQL, and the export of
every action in constant memory.

    scripts/postgres.sh start; make load (DATABASE_URL=postgres://...)
    .venv/bin/python benchmarks/scale_bench.py [--scale 1.0] [--repeat 5] [--formats csv,xlsx]

benchmarks/generate.py makes the programme (2,000 territories, 100,000 actions, 50,000 service
requests and 50,000 contact requests at --scale 1) inside one transaction rolled back at the end: the
database is left as it was. Measured in one process through Django's test client (the whole
middleware stack, DEBUG off, the national team signed in), each the median of --repeat runs:

- the national dashboard (/tableaux-de-bord/, when the stats app has it), a territory's pages (its
  action plan, and its public page) and the ledger (/registre/), each against the same figures
  computed by raw SQL plus the bare view (benchmarks/bench_urls.py). Target: within 3x.
- the export of every action (plans/services/exporting.py, CSV and XLSX) to a file: the peak of
  Python's allocations (tracemalloc) for a tenth of the actions and for all of them. Target: constant
  memory, i.e. the peak for all of them well under 10x the peak for a tenth (under 2x here).

Prints each ratio; exit 1 when one misses its target. No timing assertion anywhere in the tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, transaction  # noqa: E402

from benchmarks import common  # noqa: E402  (sets Django up)
from benchmarks.common import HEADER, compare_page  # noqa: E402

TARGET = 3.0
MEMORY_TARGET = 2.0  # peak for every action / peak for a tenth of them

# The ledger's totals by operator (offers/services/ledger.py), as benchmarks/offers_bench.py computes
# them: one GROUP BY and the grand totals, the median delay included.
DECIDED = "('acceptee', 'refusee')"
LEDGER_NUMBERS = f"""
    COUNT(*), COALESCE(SUM(r.amount_requested), 0), COALESCE(SUM(f.granted_amount), 0),
    COALESCE(SUM(f.paid_amount), 0), COUNT(*) FILTER (WHERE r.state IN {DECIDED}),
    COUNT(*) FILTER (WHERE r.state = 'refusee'),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN r.state IN {DECIDED}
        AND r.decided_at IS NOT NULL
        THEN EXTRACT(EPOCH FROM (r.decided_at - r.created_at)) / 86400.0 END)
"""
LEDGER_FROM = """
    FROM offers_servicerequest r
    JOIN offers_operator o ON o.id = r.operator_id
    LEFT JOIN plans_funding f ON f.id = r.funding_id
"""
LEDGER_SQL = [
    (
        f"SELECT r.operator_id, o.name, {LEDGER_NUMBERS} {LEDGER_FROM} "
        "GROUP BY r.operator_id, o.name ORDER BY o.name",
        [],
    ),
    (f"SELECT {LEDGER_NUMBERS} {LEDGER_FROM}", []),
]

# A territory's action plan page (plans/views.py plan_detail): its actions with their financements,
# the summary by axis (plans/services/summary.py) and the amounts by financeur and dispositif.
PLAN_ACTIONS = """
    FROM plans_action a JOIN plans_actionplan p ON p.id = a.plan_id
    WHERE p.territory_id = %s AND NOT a.archived
"""
PLAN_SQL = [
    (
        f"SELECT a.id, a.code, a.title, a.axis, a.status, a.maturity, a.total_cost, a.end_date "
        f"{PLAN_ACTIONS} ORDER BY a.axis, a.code",
        None,
    ),
    (
        f"SELECT f.action_id, f.funder, f.scheme, f.amount, f.granted_amount, f.paid_amount, f.state "
        f"FROM plans_funding f WHERE f.action_id IN (SELECT a.id {PLAN_ACTIONS}) "
        "ORDER BY f.action_id, f.position, f.id",
        None,
    ),
    (
        f"""SELECT a.axis, COUNT(*), COUNT(*) FILTER (WHERE a.status = 'realise'),
        COUNT(*) FILTER (WHERE a.end_date < CURRENT_DATE AND a.status NOT IN ('realise', 'abandonne')),
        COALESCE(SUM(a.total_cost), 0) {PLAN_ACTIONS} GROUP BY a.axis""",
        None,
    ),
    (
        """SELECT a.axis,
        COALESCE(SUM(f.amount) FILTER (WHERE f.state <> 'refuse'), 0),
        COALESCE(SUM(f.granted_amount) FILTER (WHERE f.state IN ('accorde', 'verse')), 0),
        COALESCE(SUM(f.paid_amount) FILTER (WHERE f.state = 'verse'), 0)
        FROM plans_funding f JOIN plans_action a ON a.id = f.action_id
        JOIN plans_actionplan p ON p.id = a.plan_id
        WHERE p.territory_id = %s AND NOT a.archived GROUP BY a.axis""",
        None,
    ),
    (
        f"""SELECT f.funder, f.scheme, COALESCE(SUM(f.amount), 0),
        COALESCE(SUM(f.granted_amount) FILTER (WHERE f.state IN ('accorde', 'verse')), 0),
        COALESCE(SUM(f.paid_amount) FILTER (WHERE f.state = 'verse'), 0),
        COUNT(DISTINCT f.action_id)
        FROM plans_funding f WHERE f.state <> 'refuse' AND f.action_id IN (SELECT a.id {PLAN_ACTIONS})
        GROUP BY f.funder, f.scheme ORDER BY 4 DESC, 1, 2""",
        None,
    ),
]

# A territory's public page (public/views.py territory): the territory, its départements and régions,
# the services open to it (offers), its contact teams and their public members.
TERRITORY_SQL = [
    ("SELECT id, ti_id, name, population, phase_id FROM territories_territory WHERE id = %s", None),
    (
        "SELECT d.code, d.name FROM geo_departement d JOIN territories_territory_departements td "
        "ON td.departement_id = d.code WHERE td.territory_id = %s ORDER BY d.code",
        None,
    ),
    (
        """SELECT s.id, s.slug, s.title, o.name FROM offers_service s
        JOIN offers_operator o ON o.id = s.operator_id
        WHERE s.status = 'ouvert' AND (s.scope = 'national'
          OR s.id IN (SELECT service_id FROM offers_service_territories WHERE territory_id = %s))
        ORDER BY s.title""",
        None,
    ),
    (
        """SELECT t.id, t.name, m.name, m.email FROM contacts_team t
        LEFT JOIN contacts_teammember m ON m.team_id = t.id AND m.public
        WHERE t.territory_id = %s ORDER BY t.name, m.name""",
        None,
    ),
]


def _with(queries, territory_id: int) -> list[tuple[str, list]]:
    """The queries with the territory's id for each of their %s."""
    return [(sql, [territory_id] * sql.count("%s")) for sql, _ in queries]


def measure_pages(repeat: int, phase: str) -> list:
    from django.db.models import Count

    from benchmarks.dashboard import dashboard_comparison
    from offers.models import ServiceRequest
    from territories.models import Territory

    client = common.national_client()
    # The territory with the most decided requests: the heaviest plan page.
    busiest = (
        ServiceRequest.objects.filter(territory__phase_id=phase, funding__isnull=False)
        .values("territory_id")
        .order_by("territory_id")
        .annotate(n=Count("id"))
        .order_by("-n", "territory_id")
        .first()
    )
    territory = Territory.objects.get(pk=busiest["territory_id"])
    print(f"\n{HEADER}")
    results = []
    dashboard = dashboard_comparison(client, repeat, TARGET, phase)
    if dashboard:
        results.append(dashboard)
    results.append(
        compare_page(
            client,
            f"Plan d'action d'un territoire ({territory.ti_id})",
            f"/territoires/{phase}/{territory.ti_id}/plan/",
            _with(PLAN_SQL, territory.pk),
            repeat,
            TARGET,
        )
    )
    results.append(
        compare_page(
            client,
            f"Page publique d'un territoire ({territory.ti_id})",
            f"/territoires/{phase}/{territory.ti_id}/",
            _with(TERRITORY_SQL, territory.pk),
            repeat,
            TARGET,
        )
    )
    results.append(
        compare_page(
            client, "Registre national (/registre/)", "/registre/", LEDGER_SQL, repeat, TARGET
        )
    )
    return results


def export_peak(actions, fmt: str) -> tuple[int, float, int]:
    """(peak bytes of Python allocations, seconds, rows) of exporting ``actions`` to a file."""
    from plans.services.exporting import export_actions

    with tempfile.TemporaryFile() as stream:
        tracemalloc.start()
        started = time.perf_counter()
        rows = export_actions(actions, stream, fmt)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, seconds, rows


def measure_export(phase: str, formats: list[str]) -> bool:
    from plans.models import Action

    every = Action.objects.filter(plan__territory__phase_id=phase)
    ids = sorted(every.values_list("plan__territory_id", flat=True).distinct())
    tenth = every.filter(plan__territory_id__in=ids[: max(1, len(ids) // 10)])
    ok = True
    print(
        "\nExport de toutes les actions (plans/services/exporting.py), pic des allocations Python "
        "(tracemalloc) :"
    )
    for fmt in formats:
        small_peak, small_seconds, small_rows = export_peak(tenth, fmt)
        peak, seconds, rows = export_peak(every, fmt)
        ratio = peak / small_peak
        ok = ok and ratio <= MEMORY_TARGET
        print(
            f"  {fmt.upper():5} {small_rows:>7} actions : {small_peak / 1e6:7.1f} Mo en {small_seconds:5.1f} s"
            f" | {rows:>7} actions : {peak / 1e6:7.1f} Mo en {seconds:5.1f} s"
            f" | {rows / small_rows:.0f}x les lignes, {ratio:.2f}x la mémoire"
            + ("" if ratio <= MEMORY_TARGET else f"  > {MEMORY_TARGET:g}x"),
            flush=True,
        )
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10x aujourd'hui (défaut)")
    parser.add_argument("--repeat", type=int, default=5, help="mesures par page (médiane ; 5)")
    parser.add_argument(
        "--formats",
        default="csv,xlsx",
        help="formats de l'export mesurés (défaut csv,xlsx ; vide : aucun)",
    )
    parser.add_argument("--sans-pages", action="store_true", help="l'export seulement")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    if any(f not in ("csv", "xlsx") for f in formats):
        parser.error("--formats : csv et/ou xlsx")
    print(common.machine())
    if connection.vendor != "postgresql":
        # The baselines are PostgreSQL's SQL (jsonb, DISTINCT ON, GROUPING SETS), as is the target.
        print(
            f"Base {connection.vendor} : mesure sur PostgreSQL seulement (issue 14), non lancée. "
            "scripts/postgres.sh start ; DATABASE_URL=postgres://… ; make load."
        )
        return 0
    from benchmarks.generate import generate

    ok = True
    with transaction.atomic():
        sizes = generate(
            territories=int(2_000 * args.scale),
            actions=int(100_000 * args.scale),
            requests=int(50_000 * args.scale),
            services=int(2_000 * args.scale),
        )
        print(sizes.summary(), flush=True)
        if not args.sans_pages:
            ok = all(r.ok for r in measure_pages(args.repeat, sizes.phase))
        if formats:
            ok = measure_export(sizes.phase, formats) and ok
        transaction.set_rollback(True)
    print(
        f"\nObjectifs : chaque page à moins de {TARGET:g}x du SQL brut plus la vue nue ; l'export de "
        f"toutes les actions à moins de {MEMORY_TARGET:g}x la mémoire de l'export d'un dixième."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
