"""Service requests by operator and state: the offers' ledger (offers/services/ledger.py) is called,
never re-counted.

Counted: the requests of the territories of the scope (principal attribution) in the phase. A request
made from a confidential action counts only for a person who may count that territory's confidential
actions (``stats.count_confidential``). Only numbers of requests, decisions, refusal rate and median time
to decision are given here: amounts stay in the ledger of those allowed to read it, and the money granted
is in the financements (stats/services/money.py).
"""

from __future__ import annotations

from django.db.models import Q

from offers.models import RequestState, ServiceRequest
from offers.services.ledger import compute_ledger, requests_by_operator_and_state
from stats.services.access import confidential_territories
from stats.services.keep import kept
from stats.services.scope import Scope
from territories.models import Phase

STATES = [(state.value, state.label) for state in RequestState]


def counted_requests(phase: Phase, scope: Scope, user=None):
    """The service requests of ``scope`` in ``phase`` that ``user`` (None: the public) counts."""
    territories = scope.territories(phase)
    requests = ServiceRequest.objects.filter(territory__in=territories.values("pk"))
    visible = Q(action__isnull=True) | Q(action__confidential=False)
    if user is not None and user.is_authenticated:
        allowed = confidential_territories(user, territories)
        visible |= Q(territory__in=allowed.values("pk"))
    return requests.filter(visible)


def service_request_figures(phase: Phase, scope: Scope, user=None) -> dict:
    """Requests of ``scope`` in ``phase`` per operator and state: one ledger for all plus one count
    by (operator, state), a handful of queries whatever the size. Returns ``{"etats", "operateurs",
    "par_etat", "total", "decidees", "taux_refus", "delai_median_jours"}``:
    - ``etats``: the columns ``[(code, libellé)]``;
    - ``operateurs``: ``[{"operateur", "etats": {état: n}, "total", "decidees", "taux_refus",
      "delai_median_jours"}]`` by operator name (rates in %, one decimal; medians in days);
    - ``par_etat``: ``{état: n}``; the others, the same as an operator's, over all requests.

    The public's figures (``user=None``) are kept until the requests, plans or territories change
    (stats/services/keep.py: the six ledgers took ~1.8 s on the 10x programme): never modify the result.
    """
    if user is not None and user.is_authenticated:
        return _figures(phase, scope, user)
    key = ("service-requests", phase.code, scope)
    return kept(key, ("offers", "plans", "territories"), lambda: _figures(phase, scope, None))


def _figures(phase: Phase, scope: Scope, user) -> dict:
    """The figures, computed (see ``service_request_figures``)."""
    requests = counted_requests(phase, scope, user)
    everything = compute_ledger(requests, ("operator",))
    operators = {
        row.keys["operator"]: {
            "operateur": row.labels["operator"],
            "etats": {code: 0 for code, _ in STATES},
            "total": row.requests,
            "decidees": row.decided,
            "taux_refus": row.refusal_rate,
            "delai_median_jours": row.median_days,
        }
        for row in everything.rows
    }
    # One GROUP BY (operator, state) for the columns, instead of one ledger per state.
    by_state = {code: 0 for code, _ in STATES}
    for (operator_id, code), count in requests_by_operator_and_state(requests).items():
        operators[operator_id]["etats"][code] = count
        by_state[code] += count
    totals = everything.totals
    return {
        "etats": STATES,
        "operateurs": list(operators.values()),
        "par_etat": by_state,
        "total": totals.requests,
        "decidees": totals.decided,
        "taux_refus": totals.refusal_rate,
        "delai_median_jours": totals.median_days,
    }
