"""Aggregates over what the public sees of the action plans: the actions of each plan's *last*
publication (``plans.PlanPublication.actions``, JSON written at each validation), counted by the
database.

The snapshot is a JSON list, so the counting is one raw ``GROUP BY`` over its elements: PostgreSQL's
``jsonb_array_elements`` and SQLite's ``json_each`` (Django has no portable expression for unnesting a
JSON array). The set of publications is the ORM's own (``plans.selectors.latest_publications``), compiled
into the statement, so "the last publication of a validated plan" has one definition. Amounts are
summed exactly: ``numeric`` on PostgreSQL, integer cents on SQLite (whose JSON numbers are floats).

Unnesting is the cost: on the generated programme 10x today's size (2,000 published plans, 90,000
public actions, PostgreSQL, shared 2-core machine under load) one scan took 0.9-1.3 s, against ~0.01 s
for every other figure of a dashboard. So each result is kept in the process, keyed on the statement
and the data stamp of the plans and territories (core/datastamp.py: it moves with every publication),
and the national figures are read from the per-région scan that the régions' comparison needs anyway.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from plans.models import ActionPlan, PlanPublication
from plans.selectors import latest_publications
from stats.services.keep import kept
from territories.models import Phase, Territory

# Territory columns a count may be grouped by (comparison tables), written into the SQL: never user input.
GROUP_COLUMNS = {"region": "principal_region_id", "departement": "principal_departement_id"}
ACTION_KEYS = {"axis", "status", "maturity"}
FUNDING_KEYS = {"funder", "scheme", "state"}
AMOUNTS = ("amount", "granted_amount", "paid_amount")
# What the scans read: the publications (part "plans") and the territories' areas ("territories").
PARTS = ("plans", "territories")


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _text(alias: str, key: str) -> str:
    return (
        f"({alias}.value ->> '{key}')" if _postgres() else f"json_extract({alias}.value, '$.{key}')"
    )


def _amount(key: str) -> str:
    if _postgres():
        return f"SUM((f.value ->> '{key}')::numeric)"
    return f"SUM(CAST(ROUND(CAST(json_extract(f.value, '$.{key}') AS REAL) * 100) AS INTEGER))"


def _from(fundings: bool) -> str:
    base = (
        "chosen p "
        f"JOIN {ActionPlan._meta.db_table} pl ON pl.id = p.plan_id "
        f"JOIN {Territory._meta.db_table} t ON t.id = pl.territory_id "
    )
    if _postgres():
        base += "CROSS JOIN LATERAL jsonb_array_elements(p.actions) AS a(value) "
        if fundings:
            base += "CROSS JOIN LATERAL jsonb_array_elements(a.value -> 'fundings') AS f(value) "
    else:
        base += ", json_each(p.actions) AS a "
        if fundings:
            base += ", json_each(a.value, '$.fundings') AS f "
    return base


def _run(
    territories: QuerySet[Territory], phase: Phase, select: list[str], groups: int, fundings: bool
):
    publications = latest_publications(phase.code).filter(
        plan__territory__in=territories.values("pk")
    )
    ids_sql, params = publications.order_by().values("id").query.sql_with_params()
    group_by = ", ".join(str(i + 1) for i in range(groups))
    # The publications are chosen first (MATERIALIZED: PostgreSQL 12+, SQLite 3.35+), then unnested:
    # unnested first and filtered after, a phase with no publication took 2.7 s on the 10x programme
    # (the other phase's 2,000 publications unnested for nothing).
    sql = (
        f"WITH chosen AS MATERIALIZED (SELECT id, plan_id, actions FROM "
        f"{PlanPublication._meta.db_table} WHERE id IN ({ids_sql})) "
        f"SELECT {', '.join(select)} FROM {_from(fundings)}"
    )
    if groups:
        sql += f" GROUP BY {group_by}"

    def fetch() -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return kept(("published", connection.vendor, sql, tuple(params)), PARTS, fetch)


def _group_select(keys: tuple[str, ...], by: str | None, alias: str) -> list[str]:
    select = [f"t.{GROUP_COLUMNS[by]}"] if by else []
    return select + [_text(alias, key) for key in keys]


def action_counts(
    territories: QuerySet[Territory], phase: Phase, keys: tuple[str, ...], by: str | None = None
) -> list[tuple]:
    """Published actions of ``territories`` (of ``phase``) counted per ``keys`` (from ACTION_KEYS),
    optionally first per principal région or département (``by``): rows ``(*group, *keys, count)``."""
    if not set(keys) <= ACTION_KEYS or (by and by not in GROUP_COLUMNS):
        raise ValueError(f"Regroupement inconnu : {keys} {by}")
    select = _group_select(keys, by, "a") + ["COUNT(*)"]
    return _run(territories, phase, select, len(select) - 1, fundings=False)


def funding_sums(
    territories: QuerySet[Territory], phase: Phase, keys: tuple[str, ...], by: str | None = None
) -> list[tuple]:
    """Financements of the published actions of ``territories`` summed per ``keys`` (from
    FUNDING_KEYS, which must include ``state``: the counted amounts depend on it), optionally first per
    principal area (``by``): rows ``(*group, *keys, asked, granted_amount, paid_amount)`` with
    Decimal sums (None when no line had that amount). Apply ``plans.models.counted_granted`` and
    ``counted_paid`` with the row's state to know what counts."""
    if "state" not in keys or not set(keys) <= FUNDING_KEYS or (by and by not in GROUP_COLUMNS):
        raise ValueError(f"Regroupement inconnu : {keys} {by}")
    select = _group_select(keys, by, "f") + [_amount(name) for name in AMOUNTS]
    rows = _run(territories, phase, select, len(select) - len(AMOUNTS), fundings=True)
    width = len(select) - len(AMOUNTS)
    return [tuple(row[:width]) + tuple(_decimal(value) for value in row[width:]) for row in rows]


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    if _postgres():
        return Decimal(value).quantize(Decimal("0.01"))
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
