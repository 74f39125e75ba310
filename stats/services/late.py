"""Territories late in submitting or updating their action plan.

A territory of a phase under way is late when its plan has had no activity for ``STATS_LATE_PLAN_MONTHS``
months (setting, 6 by default): the last change of the plan or of one of its actions is older than that,
or, with no plan at all, the phase started longer ago than that. Three kinds: no plan, a draft never
validated (« brouillon » or « soumis » but waiting), a validated plan not updated since. A finished phase
has no late territory (None: the question no longer arises).

The number is public; the list of names is given only for the territories whose plan the reader may read
(``plans.view_plan``, as a database filter: ``territories_followed_by``).
"""

from __future__ import annotations

import calendar
from datetime import datetime, time

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from accounts.selectors import territories_followed_by
from plans.models import PlanState
from stats.services.scope import Scope
from territories.models import Phase

KINDS = {
    "sans-plan": "Sans plan d'actions",
    "non-valide": "Plan non validé (brouillon ou soumis)",
    "non-mis-a-jour": "Plan validé non mis à jour",
}


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` minus ``months`` calendar months (the day clamped to the month's length)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def late_territories(
    phase: Phase, scope: Scope, user=None, now: datetime | None = None, months: int | None = None
) -> dict | None:
    """Late territories of ``scope`` in ``phase`` (two queries), or None for a finished phase. Returns
    ``{"mois", "depuis", "nombre", "par_type": {kind: n}, "territoires"}``: the threshold in months and
    as a date, the number late, per kind (KINDS), and ``[{"id", "nom", "type", "derniere_activite"}]``
    (oldest first) limited to the territories ``user`` may read (empty for the public)."""
    now = now or timezone.now()
    months = settings.STATS_LATE_PLAN_MONTHS if months is None else months
    if phase.end_date < now.date():
        return None
    threshold = months_before(now, months)
    phase_start = timezone.make_aware(datetime.combine(phase.start_date, time.min))
    readable = (
        set(territories_followed_by(user).values_list("pk", flat=True).filter(phase=phase))
        if user is not None and user.is_authenticated
        else set()
    )
    rows = (
        scope.territories(phase)
        .order_by()
        .values("pk", "ti_id", "name", "action_plan__state", "action_plan__updated_at")
        .annotate(last_action=Max("action_plan__actions__updated_at"))
    )
    late, by_kind = [], dict.fromkeys(KINDS, 0)
    for row in rows:
        if row["action_plan__state"] is None:
            kind, last = "sans-plan", None
            reference = phase_start
        else:
            kind = (
                "non-mis-a-jour" if row["action_plan__state"] == PlanState.VALIDE else "non-valide"
            )
            last = max(filter(None, (row["action_plan__updated_at"], row["last_action"])))
            reference = last
        if reference >= threshold:
            continue
        by_kind[kind] += 1
        if row["pk"] in readable:
            late.append(
                {"id": row["ti_id"], "nom": row["name"], "type": kind, "derniere_activite": last}
            )
    late.sort(key=lambda item: (item["derniere_activite"] or phase_start, item["id"]))
    return {
        "mois": months,
        "depuis": threshold.date(),
        "nombre": sum(by_kind.values()),
        "par_type": by_kind,
        "territoires": late,
    }
