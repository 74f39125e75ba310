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
# the summary by axis (plans/services/summary.py) and the amounts by financeur and dispositif; and,
# since 4 December, everything else the page shows (the first version of this baseline left it out):
# the territory and its plan's state, the date of its last validation, the financeurs of the filter,
# the plan's steps with their authors, what changed since the validation (the three journals), and
# the block « Demandes de service » that offers adds to the page (its 50 latest requests).
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
    (
        """SELECT t.id, t.ti_id, t.name, ph.label, p.id, p.state,
        (SELECT MAX(pp.published_at) FROM plans_planpublication pp WHERE pp.plan_id = p.id)
        FROM territories_territory t JOIN territories_phase ph ON ph.code = t.phase_id
        LEFT JOIN plans_actionplan p ON p.territory_id = t.id WHERE t.id = %s""",
        None,
    ),
    (
        """SELECT DISTINCT f.funder FROM plans_funding f JOIN plans_action a ON a.id = f.action_id
        JOIN plans_actionplan p ON p.id = a.plan_id WHERE p.territory_id = %s ORDER BY 1""",
        None,
    ),
    (
        """SELECT tr.created_at, tr.from_state, tr.to_state, tr.comment, u.first_name, u.last_name,
        u.email FROM plans_plantransition tr JOIN plans_actionplan p ON p.id = tr.plan_id
        LEFT JOIN auth_user u ON u.id = tr.author_id WHERE p.territory_id = %s
        ORDER BY tr.created_at, tr.id""",
        None,
    ),
    *(
        (
            f"""SELECT h.history_date, h.history_type, h.id, u.email FROM {journal} h
            JOIN plans_action a ON a.id = h.{action} JOIN plans_actionplan p ON p.id = a.plan_id
            LEFT JOIN auth_user u ON u.id = h.history_user_id
            WHERE p.territory_id = %s AND h.history_date > (SELECT MAX(pp.published_at)
              FROM plans_planpublication pp WHERE pp.plan_id = p.id)
            ORDER BY h.history_date DESC LIMIT 50""",
            None,
        )
        for journal, action in (
            ("plans_historicalaction", "id"),
            ("plans_historicalfunding", "action_id"),
            ("plans_historicalindicator", "action_id"),
        )
    ),
    (
        """SELECT r.id, r.created_at, r.amount_requested, r.state, s.title, o.name, a.code, a.title,
        a.confidential FROM offers_servicerequest r JOIN offers_service s ON s.id = r.service_id
        JOIN offers_operator o ON o.id = r.operator_id LEFT JOIN plans_action a ON a.id = r.action_id
        WHERE r.territory_id = %s ORDER BY r.created_at DESC, r.id DESC LIMIT 50""",
        None,
    ),
]

# A territory's public page (public/views.py territory), everything it shows: the territory, its
# phase, départements and régions, its lineage both ways, its members and communes, the last
# validated version of its plan by axis (the publication's JSON, financements included), the services
# it mobilised (accepted requests, with the public actions behind them) and the contact teams of the
# territory, its départements and régions and the national ones, with their public members. (Until 4
# December the baseline read the territory, its départements, the services open to it, which the page
# does not show, and its own teams only.)
PUBLISHED = """
    (SELECT pp.actions FROM plans_planpublication pp JOIN plans_actionplan p ON p.id = pp.plan_id
     WHERE p.territory_id = %s ORDER BY pp.published_at DESC, pp.id DESC LIMIT 1) AS lp
"""
TERRITORY_SQL = [
    (
        """SELECT t.id, t.ti_id, t.name, t.population, t.commune_count, t.lineage_status,
        t.outcome_status, t.principal_departement_id, ph.code, ph.label, ph.number,
        d.name, r.code, r.name FROM territories_territory t
        JOIN territories_phase ph ON ph.code = t.phase_id
        LEFT JOIN geo_departement d ON d.code = t.principal_departement_id
        LEFT JOIN geo_region r ON r.code = t.principal_region_id WHERE t.id = %s""",
        None,
    ),
    (
        "SELECT d.code, d.name FROM geo_departement d JOIN territories_territory_departements td "
        "ON td.departement_id = d.code WHERE td.territory_id = %s ORDER BY d.code",
        None,
    ),
    (
        "SELECT g.code, g.name FROM geo_region g JOIN territories_territory_regions tr "
        "ON tr.region_id = g.code WHERE tr.territory_id = %s ORDER BY g.name",
        None,
    ),
    (
        """SELECT l.predecessor_id, l.successor_id, l.shared_communes, o.phase_id, o.ti_id, o.name
        FROM territories_lineage l JOIN territories_territory o
          ON o.id = CASE WHEN l.successor_id = %s THEN l.predecessor_id ELSE l.successor_id END
        WHERE l.successor_id = %s OR l.predecessor_id = %s ORDER BY l.shared_communes DESC""",
        None,
    ),
    (
        "SELECT siren, name, kind, population FROM territories_territorymember "
        "WHERE territory_id = %s ORDER BY population DESC, name",
        None,
    ),
    (
        """SELECT c.code, c.name, c.population, c.epci_id, c.ept_id FROM geo_commune c
        JOIN territories_territorycommune tc ON tc.commune_id = c.code WHERE tc.territory_id = %s
        ORDER BY c.name, c.code""",
        None,
    ),
    (
        f"""SELECT a.value ->> 'axis', COUNT(*),
        COUNT(*) FILTER (WHERE a.value ->> 'status' = 'realise'),
        COALESCE(SUM((a.value ->> 'total_cost')::numeric), 0)
        FROM {PUBLISHED} CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS a(value)
        GROUP BY 1""",
        None,
    ),
    (
        f"""SELECT a.value ->> 'axis',
        COALESCE(SUM((f.value ->> 'amount')::numeric) FILTER (WHERE f.value ->> 'state' <> 'refuse'), 0),
        COALESCE(SUM((f.value ->> 'granted_amount')::numeric)
          FILTER (WHERE f.value ->> 'state' IN ('accorde', 'verse')), 0),
        COALESCE(SUM((f.value ->> 'paid_amount')::numeric) FILTER (WHERE f.value ->> 'state' = 'verse'), 0)
        FROM {PUBLISHED} CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS a(value)
        CROSS JOIN LATERAL jsonb_array_elements(a.value -> 'fundings') AS f(value) GROUP BY 1""",
        None,
    ),
    (
        f"""WITH titles AS (SELECT x.value ->> 'code' AS code, x.value ->> 'title' AS title
          FROM {PUBLISHED} CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS x(value))
        SELECT s.slug, s.title, o.name, a.code, m.title FROM offers_servicerequest r
        JOIN offers_service s ON s.id = r.service_id JOIN offers_operator o ON o.id = s.operator_id
        LEFT JOIN plans_action a ON a.id = r.action_id LEFT JOIN titles m ON m.code = a.code
        WHERE r.territory_id = %s AND r.state = 'acceptee'
          AND (r.action_id IS NULL OR (NOT a.confidential AND NOT a.archived AND m.title IS NOT NULL))
        ORDER BY s.title, r.id""",
        None,
    ),
    (
        """SELECT t.id, t.level, t.priority, t.name, t.organisation, m.name, m.role_title, m.email,
        m.phone FROM contacts_team t LEFT JOIN contacts_teammember m ON m.team_id = t.id AND m.public
        WHERE t.level = 'national' OR t.territory_id = %s
          OR t.departement_id IN (SELECT departement_id FROM territories_territory_departements
            WHERE territory_id = %s)
          OR t.region_id IN (SELECT region_id FROM territories_territory_regions WHERE territory_id = %s)
        ORDER BY t.level, t.priority, t.name, m.name""",
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
