"""Contact requests (« Contactez-nous ») and their response times: contacts/services/response_times.py
computes them (share answered within 5 working days, median working days to the first answer), never
re-implemented here; this module only chooses the requests of a scope.

The scope is the requests' commune: located in the région or département, or a commune of the
territory in that phase. The period is response_times' own (the last 12 months).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from contacts.models import ContactRequest
from contacts.services import response_times
from stats.services.scope import Scope
from territories.models import Phase, TerritoryCommune


def scope_requests(phase: Phase, scope: Scope, now: datetime):
    """The contact requests of the period ending ``now`` whose commune is in ``scope``."""
    requests = ContactRequest.objects.filter(
        created_at__gt=now - response_times.PERIOD, created_at__lte=now
    )
    if scope.kind == "territoire":
        communes = TerritoryCommune.objects.filter(
            territory__phase=phase, territory__ti_id=scope.code
        ).values("commune_id")
        requests = requests.filter(commune_id__in=communes)
    else:
        requests = requests.filter(**scope.communes_filter())
    return requests.only("created_at", "first_answered_at")


def contact_figures(phase: Phase, scope: Scope, now: datetime | None = None) -> dict:
    """Contact requests of ``scope`` over the last 12 months, as of ``now`` (public figures). Returns
    ``{"recues", "comptees", "dans_le_delai", "part_dans_le_delai", "delai_median_jours",
    "objectif_jours"}``: received, counted (answered, or unanswered past the target), answered within
    the target, that share in % (None when none counted), the median in working days (None when none
    answered), and the target (5 working days)."""
    now = now or timezone.now()
    requests = scope_requests(phase, scope, now)
    figures = response_times.figures("", requests, now)
    return {
        "recues": requests.count(),
        "comptees": figures.counted,
        "dans_le_delai": figures.within_target,
        "part_dans_le_delai": figures.share_percent,
        "delai_median_jours": figures.median_days,
        "objectif_jours": response_times.ANSWER_TARGET_DAYS,
    }
