"""Every figure of a dashboard in one call, and the comparison tables (between régions, départements,
phases). The CLI, the API (api/v1/dashboards.py), the dashboards (stats/views.py) and the reports call
these, never the database.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from stats.services.actions import action_figures, action_totals_by_area
from stats.services.contacts import contact_figures
from stats.services.late import late_territories
from stats.services.money import ZERO, money_figures, money_totals_by_area
from stats.services.requests import service_request_figures
from stats.services.scope import Scope
from stats.services.territories import area_comparison, coverage, lineage_counts
from territories.models import Phase


def dashboard_figures(phase: Phase, scope: Scope, user=None, now: datetime | None = None) -> dict:
    """All the figures of ``scope``'s dashboard for ``phase``, as ``user`` (None: the public) may see
    them: ``{"phase", "perimetre", "couverture", "filiation", "actions", "financements", "demandes",
    "contacts", "retards"}`` (each the result of its service: coverage, lineage_counts, action_figures,
    money_figures, service_request_figures, contact_figures, late_territories). About 25 queries,
    whatever the number of territories and actions."""
    return {
        "phase": phase.code,
        "perimetre": {"type": scope.kind, "code": scope.code},
        "couverture": coverage(phase, scope),
        "filiation": lineage_counts(phase, scope),
        "actions": action_figures(phase, scope, user),
        "financements": money_figures(phase, scope, user),
        "demandes": service_request_figures(phase, scope, user),
        "contacts": contact_figures(phase, scope, now),
        "retards": late_territories(phase, scope, user, now),
    }


def compare_areas(phase: Phase, by: str, user=None) -> list[dict]:
    """The comparison table of the régions (``by="region"``) or départements: each row of
    ``territories.area_comparison`` plus ``actions``, ``sollicite``, ``accorde``, ``verse`` of its
    principal territories (as ``user`` may see them). A handful of queries."""
    actions = action_totals_by_area(phase, by, user)
    money = money_totals_by_area(phase, by, user)
    rows = area_comparison(phase, by)
    for row in rows:
        amounts = money.get(row["code"], {})
        row["actions"] = actions.get(row["code"], 0)
        for name in ("sollicite", "accorde", "verse"):
            row[name] = amounts.get(name, ZERO)
    return rows


def compare_phases(scope: Scope, user=None) -> list[dict]:
    """One row per phase (oldest first) for ``scope``: ``phase``, ``libelle``, the coverage, the
    lineage counts, ``actions`` and the money totals (as ``user`` may see them)."""
    rows = []
    for phase in Phase.objects.order_by("number"):
        actions = action_figures(phase, scope, user)
        money = money_figures(phase, scope, user)["total"]
        rows.append(
            {
                "phase": phase.code,
                "libelle": phase.label,
                **coverage(phase, scope),
                **lineage_counts(phase, scope),
                "actions": actions["total"],
                **money,
            }
        )
    return rows


def as_json(value):
    """Figures as JSON (the API and the CLI): amounts as decimal text (as everywhere in the API), (code, libellé) pairs as
    objects, dates as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return {"code": value[0], "libelle": value[1]}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value
