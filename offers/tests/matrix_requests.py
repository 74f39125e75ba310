"""The requests' rows of the permission matrix (collected by offers/tests/permission_matrix.py).

Every target request is addressed to ``world.operator`` by ``world.territory``: the other operator's
member (« operateur-hors ») gets 403 everywhere (0 leak), and its list is empty (tested in
offers/tests/test_requests.py, with the confidential action's title hidden from the operator).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.tests.matrix import (
    ADMIN,
    COORDINATORS_IN,
    LEADS_IN,
    OPERATORS_IN,
    SIGNED_IN,
    STAFF,
    Endpoint,
)

EDITORS = ADMIN | LEADS_IN
READERS = STAFF | COORDINATORS_IN | LEADS_IN | OPERATORS_IN | frozenset({"binome"})
ANSWERERS = ADMIN | OPERATORS_IN
WRITERS = ANSWERERS | LEADS_IN


def _service(world):
    from offers.models import Service

    service, _ = Service.objects.get_or_create(
        slug="service-matrice",
        defaults={
            "title": "Service de la matrice",
            "operator": world.operator,
            "kind": "pret",
            "source": "https://example.org/source",
        },
    )
    return service


def _action(world, confidential=False):
    from plans.models import Action, ActionPlan

    plan, _ = ActionPlan.objects.get_or_create(territory=world.territory)
    return Action.objects.create(
        plan=plan,
        code="DEM-1",
        title="Action de la matrice",
        axis="innovation",
        confidential=confidential,
    )


def _request(world, state="envoyee", confidential=False):
    from offers.models import ServiceRequest

    return ServiceRequest.objects.create(
        service=_service(world),
        operator=world.operator,
        territory=world.territory,
        action=_action(world, confidential),
        message="Demande de la matrice",
        amount_requested=Decimal("1000"),
        state=state,
    )


def _accepted(world):
    from offers.services import requests as service

    request = _request(world)
    service.accept(request, None, "envoyee", granted_amount=Decimal("800"))
    request.refresh_from_db()
    return request


def _confidential(world):
    return _request(world, confidential=True)


def _url(name):
    def build(world, request):
        return reverse(f"offers-requests:{name}", args=[request.pk])

    return build


def _create_url(world, target):
    return reverse("offers-requests:create", args=[world.territory.phase_id, world.territory.ti_id])


def _request_state(world, request):
    from offers.models import ServiceRequest

    row = ServiceRequest.objects.filter(pk=request.pk).values("state", "funding_id").get()
    return (row["state"], row["funding_id"], request.messages.count())


def _requests_count(world, target):
    from offers.models import ServiceRequest

    return ServiceRequest.objects.count()


def _paid(world, request):
    from plans.models import Funding

    return Funding.objects.filter(pk=request.funding_id).values_list("paid_amount", "state").get()


ROWS = [
    Endpoint(
        "offers-requests:list",
        "page",
        "GET",
        allowed=SIGNED_IN,
        url=lambda world, target: reverse("offers-requests:list"),
    ),
    Endpoint(
        "offers-requests:create",
        "page",
        "GET",
        allowed=EDITORS,
        url=_create_url,
        label="formulaire",
    ),
    Endpoint(
        "offers-requests:create",
        "page",
        "POST",
        allowed=EDITORS,
        setup=_service,
        url=_create_url,
        data=lambda world, service: {"service": service.pk, "message": "Bonjour"},
        state=_requests_count,
    ),
    Endpoint(
        "offers-requests:detail",
        "page",
        "GET",
        allowed=READERS,
        setup=_request,
        url=_url("detail"),
    ),
    Endpoint(
        "offers-requests:detail",
        "page",
        "GET",
        allowed=READERS,
        setup=_confidential,
        url=_url("detail"),
        label="action confidentielle",
    ),
    Endpoint(
        "offers-requests:transition",
        "page",
        "POST",
        allowed=ANSWERERS,
        setup=_request,
        url=_url("transition"),
        data=lambda world, request: {"expected": "envoyee", "new": "en-cours"},
        state=_request_state,
        label="prise en charge",
    ),
    Endpoint(
        "offers-requests:transition",
        "page",
        "POST",
        allowed=WRITERS,
        setup=_request,
        url=_url("transition"),
        data=lambda world, request: {"expected": "envoyee", "new": "close", "body": "Fin"},
        state=_request_state,
        label="clôture",
    ),
    Endpoint(
        "offers-requests:accept",
        "page",
        "POST",
        allowed=ANSWERERS,
        setup=_request,
        url=_url("accept"),
        data=lambda world, request: {
            "expected": "envoyee",
            "granted_amount": "900",
            "decided_on": timezone.localdate().isoformat(),
        },
        state=_request_state,
    ),
    Endpoint(
        "offers-requests:payment",
        "page",
        "POST",
        allowed=ANSWERERS,
        setup=_accepted,
        url=_url("payment"),
        data=lambda world, request: {
            "paid_amount": "500",
            "paid_on": timezone.localdate().isoformat(),
        },
        state=_paid,
    ),
    Endpoint(
        "offers-requests:message",
        "page",
        "POST",
        allowed=WRITERS,
        setup=_request,
        url=_url("message"),
        data=lambda world, request: {"body": "Un message"},
        state=_request_state,
    ),
]
