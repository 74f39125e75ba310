"""The national dashboard against its figures computed by raw SQL plus the bare view, for
benchmarks/scale_bench.py and benchmarks/stats_bench.py (issues 13 and 14).

The raw SQL computes what stats/services/dashboard.py's ``dashboard_figures`` gives for the country
and a phase, as the national team sees it, in 16 statements written by hand for PostgreSQL: coverage,
lineage, the published actions by axis × statut × maturité (the last publication of each plan, its
JSON unnested) plus the confidential ones, the money by financeur × dispositif × état (the same, one
level deeper), the service requests by operator × state with the decided, refused and median delay
(GROUPING SETS), the contact requests of the last 12 months (answered within 7 calendar days for the
app's 5 working days: the calendar is the only part the database cannot do alone), the late plans,
and the page's two comparison tables (the régions, the phases).
"""

from __future__ import annotations

from benchmarks.common import FLOOR_URL, Comparison, compare_page, page_exists, raw_sql, timed

DASHBOARD_URL = "/tableaux-de-bord/"

LATEST = """
    (SELECT DISTINCT ON (p.plan_id) p.id, p.plan_id, p.actions
     FROM plans_planpublication p JOIN plans_actionplan pl ON pl.id = p.plan_id
     JOIN territories_territory t ON t.id = pl.territory_id WHERE t.phase_id = %(phase)s
     ORDER BY p.plan_id, p.published_at DESC, p.id DESC) AS lp
"""
CONFIDENTIAL = """
    FROM plans_action a JOIN plans_actionplan pl ON pl.id = a.plan_id
    JOIN territories_territory t ON t.id = pl.territory_id
    WHERE t.phase_id = %(phase)s AND a.confidential AND NOT a.archived
      AND EXISTS (SELECT 1 FROM plans_planpublication p WHERE p.plan_id = a.plan_id)
"""
DECIDED = "('acceptee', 'refusee')"
SQL = [
    # Coverage.
    """SELECT (SELECT COUNT(*) FROM territories_territory WHERE phase_id = %(phase)s),
        COUNT(*), COALESCE(SUM(c.population), 0) FROM geo_commune c
        WHERE c.code IN (SELECT tc.commune_id FROM territories_territorycommune tc
          JOIN territories_territory t ON t.id = tc.territory_id WHERE t.phase_id = %(phase)s)""",
    # Lineage, and the previous phase's territories not renewed.
    """SELECT lineage_status, COUNT(*) FROM territories_territory WHERE phase_id = %(phase)s
        GROUP BY 1 UNION ALL SELECT 'non-reconduits', COUNT(*) FROM territories_territory
        WHERE phase_id = %(previous)s AND outcome_status = 'non-reconduit'""",
    # Published actions, then the confidential ones.
    f"""SELECT a.value ->> 'axis', a.value ->> 'status', a.value ->> 'maturity', COUNT(*)
        FROM {LATEST} CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS a(value)
        GROUP BY 1, 2, 3""",
    f"SELECT a.axis, a.status, a.maturity, COUNT(*) {CONFIDENTIAL} GROUP BY 1, 2, 3",
    # Money of the published actions, then of the confidential ones.
    f"""SELECT f.value ->> 'funder', f.value ->> 'scheme', f.value ->> 'state',
        SUM((f.value ->> 'amount')::numeric), SUM((f.value ->> 'granted_amount')::numeric),
        SUM((f.value ->> 'paid_amount')::numeric)
        FROM {LATEST} CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS a(value)
        CROSS JOIN LATERAL jsonb_array_elements(a.value -> 'fundings') AS f(value)
        GROUP BY 1, 2, 3""",
    f"""SELECT f.funder, f.scheme, f.state, SUM(f.amount), SUM(f.granted_amount),
        SUM(f.paid_amount) FROM plans_funding f WHERE f.action_id IN (SELECT a.id {CONFIDENTIAL})
        GROUP BY 1, 2, 3""",
    # Service requests by operator and state.
    f"""SELECT r.operator_id, o.name, r.state, COUNT(*),
        COUNT(*) FILTER (WHERE r.state IN {DECIDED}), COUNT(*) FILTER (WHERE r.state = 'refusee'),
        percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN r.state IN {DECIDED}
          AND r.decided_at IS NOT NULL
          THEN EXTRACT(EPOCH FROM (r.decided_at - r.created_at)) / 86400.0 END)
        FROM offers_servicerequest r JOIN offers_operator o ON o.id = r.operator_id
        JOIN territories_territory t ON t.id = r.territory_id WHERE t.phase_id = %(phase)s
        GROUP BY GROUPING SETS ((r.operator_id, o.name, r.state), (r.operator_id, o.name), ())""",
    # Contact requests of the last 12 months.
    """SELECT COUNT(*), COUNT(*) FILTER (WHERE first_answered_at IS NOT NULL
          AND first_answered_at - created_at <= interval '7 days'),
        percentile_cont(0.5) WITHIN GROUP (ORDER BY
          EXTRACT(EPOCH FROM (first_answered_at - created_at)) / 86400.0)
        FROM contacts_contactrequest
        WHERE created_at > now() - interval '365 days' AND created_at <= now()""",
    # The comparison of the régions: principal and touching territories, lineage, covered communes,
    # then the published actions and money per principal région.
    """SELECT principal_region_id, COUNT(*), COUNT(*) FILTER (WHERE lineage_status = 'nouveau'),
        COUNT(*) FILTER (WHERE lineage_status = 'reconduit'),
        COUNT(*) FILTER (WHERE lineage_status = 'etendu'),
        COUNT(*) FILTER (WHERE lineage_status = 'reduit'),
        COUNT(*) FILTER (WHERE lineage_status = 'recompose')
        FROM territories_territory WHERE phase_id = %(phase)s GROUP BY 1""",
    """SELECT tr.region_id, COUNT(*) FROM territories_territory_regions tr
        JOIN territories_territory t ON t.id = tr.territory_id WHERE t.phase_id = %(phase)s
        GROUP BY 1""",
    """SELECT c.region_id, COUNT(*), COALESCE(SUM(c.population), 0) FROM geo_commune c
        WHERE c.code IN (SELECT tc.commune_id FROM territories_territorycommune tc
          JOIN territories_territory t ON t.id = tc.territory_id WHERE t.phase_id = %(phase)s)
        GROUP BY 1""",
    f"""SELECT t.principal_region_id, COUNT(*) FROM {LATEST}
        JOIN plans_actionplan pl ON pl.id = lp.plan_id
        JOIN territories_territory t ON t.id = pl.territory_id
        CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS a(value) GROUP BY 1""",
    f"""SELECT t.principal_region_id, f.value ->> 'state',
        SUM((f.value ->> 'amount')::numeric), SUM((f.value ->> 'granted_amount')::numeric),
        SUM((f.value ->> 'paid_amount')::numeric) FROM {LATEST}
        JOIN plans_actionplan pl ON pl.id = lp.plan_id
        JOIN territories_territory t ON t.id = pl.territory_id
        CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS a(value)
        CROSS JOIN LATERAL jsonb_array_elements(a.value -> 'fundings') AS f(value) GROUP BY 1, 2""",
    # The comparison of the phases: territories, covered communes, actions and money per phase.
    """SELECT t.phase_id, COUNT(DISTINCT t.id), COUNT(DISTINCT tc.commune_id)
        FROM territories_territory t
        LEFT JOIN territories_territorycommune tc ON tc.territory_id = t.id GROUP BY 1""",
    """SELECT t.phase_id, COUNT(*), SUM(fs.asked), SUM(fs.granted), SUM(fs.paid)
        FROM (SELECT DISTINCT ON (p.plan_id) p.plan_id, p.actions FROM plans_planpublication p
              ORDER BY p.plan_id, p.published_at DESC, p.id DESC) AS lp
        JOIN plans_actionplan pl ON pl.id = lp.plan_id
        JOIN territories_territory t ON t.id = pl.territory_id
        CROSS JOIN LATERAL jsonb_array_elements(lp.actions) AS a(value)
        CROSS JOIN LATERAL (SELECT SUM((f.value ->> 'amount')::numeric) AS asked,
            SUM((f.value ->> 'granted_amount')::numeric) AS granted,
            SUM((f.value ->> 'paid_amount')::numeric) AS paid
            FROM jsonb_array_elements(a.value -> 'fundings') AS f(value)) AS fs
        GROUP BY 1""",
    # Late plans.
    """SELECT t.id, t.ti_id, t.name, pl.state, pl.updated_at, MAX(a.updated_at)
        FROM territories_territory t LEFT JOIN plans_actionplan pl ON pl.territory_id = t.id
        LEFT JOIN plans_action a ON a.plan_id = pl.id WHERE t.phase_id = %(phase)s
        GROUP BY t.id, t.ti_id, t.name, pl.state, pl.updated_at""",
]


def queries(phase: str) -> list[tuple[str, dict]]:
    from territories.models import Phase

    current = Phase.objects.get(code=phase)
    previous = current.previous()
    params = {"phase": phase, "previous": previous.code if previous else ""}
    return [(sql, params) for sql in SQL]


def dashboard_comparison(client, repeat: int, target: float, phase: str) -> Comparison | None:
    """The page when the stats app serves it, first displayed (the stats app's per-process store of
    the publications' aggregates emptied before each GET: stats/services/keep.py) then as displayed
    again (the store kept, as long as no plan is published); until the page exists, the service
    that computes its figures. Each against the same raw SQL plus the bare view."""
    if page_exists(DASHBOARD_URL):
        from django.core.cache import cache

        from core import page_cache
        from stats.services import keep

        url = f"{DASHBOARD_URL}?phase={phase}"
        response = client.get(url)
        assert response.status_code == 200, response.status_code

        def cold():
            keep.clear()
            page_cache.clear()
            cache.clear()
            return client.get(url)

        page, _ = timed(cold, repeat)
        sql, _ = timed(lambda: raw_sql(*queries(phase)), repeat)
        floor, _ = timed(lambda: client.get(FLOOR_URL), repeat)
        first = Comparison("Tableau de bord national, 1er affichage", page, sql, floor, target)
        print(first.line(), flush=True)
        again = compare_page(
            client,
            "Tableau de bord national, affiché de nouveau",
            url,
            queries(phase),
            repeat,
            target,
        )
        return first if first.ratio >= again.ratio else again
    from stats.services.dashboard import dashboard_figures
    from stats.services.scope import Scope
    from territories.models import Phase

    selected = Phase.objects.get(code=phase)
    user = client.session and _user_of(client)
    service, _ = timed(lambda: dashboard_figures(selected, Scope.national(), user), repeat)
    sql, _ = timed(lambda: raw_sql(*queries(phase)), repeat)
    result = Comparison(
        "Figures du tableau de bord (service, sans page)", service, sql, 0.0, target
    )
    print(result.line() + f"   (page {DASHBOARD_URL} absente de cette branche)", flush=True)
    return result


def _user_of(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])
