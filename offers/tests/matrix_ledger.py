"""The ledger's rows of the permission matrix (offers/urls_ledger.py; collected by permission_matrix.py).

The ledger's pages are lists scoped to the person: every coordinator and every operator's member opens
them (each sees its own scope, « -hors » included); what each one sees is checked line by line in
test_ledger_views.py (an operator never sees another operator's lines, a coordinator only its area).
"""

from __future__ import annotations

from django.urls import reverse

from accounts.tests.matrix import ADMIN, COORDINATORS_IN, LEADS_IN, STAFF, Endpoint

COORDINATORS = COORDINATORS_IN | frozenset(
    {"coordinateur-region-hors", "coordinateur-departement-hors"}
)
OPERATORS = frozenset({"operateur", "operateur-hors"})
LEDGER_READERS = STAFF | COORDINATORS | OPERATORS


def _requests(world):
    """One decided request of each operator, on the target territory."""
    from offers.tests import factories_ledger as make

    for operator in (world.operator, world.other_operator):
        service = make.service(operator, title=f"Service de {operator.name}")
        action = make.action(world.territory)
        make.request(service, world.territory, action, asked=1000, state="acceptee", granted=500)
    return None


def _action_and_service(world):
    from offers.tests import factories_ledger as make

    service = make.service(world.operator, title="Service suggéré")
    return make.action(world.territory), service


def _dismissals(world, target):
    from offers.models import SuggestionDismissal

    return SuggestionDismissal.objects.filter(action=target[0]).count()


ROWS = [
    Endpoint(
        "offers-ledger:ledger",
        "page",
        "GET",
        allowed=LEDGER_READERS,
        setup=_requests,
        url=lambda world, target: reverse("offers-ledger:ledger") + "?regroupement=detail",
    ),
    Endpoint(
        "offers-ledger:export",
        "export",
        "GET",
        allowed=LEDGER_READERS,
        setup=_requests,
        url=lambda world, target: reverse("offers-ledger:export", args=["xlsx"]),
    ),
    Endpoint(
        "offers-ledger:fitting_actions",
        "page",
        "GET",
        allowed=STAFF | OPERATORS,
        setup=_action_and_service,
        url=lambda world, target: reverse("offers-ledger:fitting_actions"),
    ),
    Endpoint(
        "offers-ledger:dismiss_suggestion",
        "page",
        "POST",
        allowed=ADMIN | LEADS_IN,
        setup=_action_and_service,
        url=lambda world, target: reverse(
            "offers-ledger:dismiss_suggestion", args=[target[0].pk, target[1].pk]
        ),
        data=lambda world, target: {},
        state=_dismissals,
    ),
]
