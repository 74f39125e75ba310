"""The rows of API v1's writing operations (token only): each profile sends a token of its own and
no session (``auth="jeton"``, accounts/tests/test_permission_matrix.py); anonymous: no token, 401.

Targets are those of the screens' rows: the world's territory, a request to ``world.operator``, a
contact request held by the territory's team (contacts/tests/matrix_requests.py): the « -hors »
profiles get the same 403 as everyone refused, whatever exists (0 leak).
"""

from __future__ import annotations

from django.urls import reverse

from accounts.tests.matrix import (
    ADMIN,
    LEADS_IN,
    NATIONAL,
    OPERATORS_IN,
    READERS_IN,
    SIGNED_IN,
    Endpoint,
)

EDITORS = ADMIN | LEADS_IN
INBOX = (
    ADMIN
    | NATIONAL
    | frozenset(
        {
            "coordinateur-region",
            "coordinateur-region-hors",
            "coordinateur-departement",
            "coordinateur-departement-hors",
            "chef-de-projet",  # member of the target's team
            "chef-de-projet-hors",  # member of the other territory's team
        }
    )
)
HANDLERS = ADMIN | frozenset({"chef-de-projet"})


def _plan_url(name, *extra):
    def build(world, target):
        t = world.territory
        return reverse(f"api:{name}", args=[t.phase_id, t.ti_id, *extra])

    return build


def _action(world):
    from plans.models import Action, ActionPlan

    plan, _ = ActionPlan.objects.get_or_create(territory=world.territory)
    return Action.objects.create(plan=plan, code="API-1", title="Action API", axis="innovation")


def _action_state(world, action):
    from plans.models import Action

    return Action.objects.filter(pk=action.pk).values_list("title", "version").get()


def _actions_count(world, target):
    from plans.models import Action

    return Action.objects.filter(plan__territory=world.territory, code="API-NEW").count()


def _plan_state(world, action):
    return type(action.plan).objects.filter(pk=action.plan_id).values_list("state", flat=True).get()


def _service(world):
    from offers.tests.matrix_requests import _service

    return _service(world)


def _service_requests(world, target):
    from offers.models import ServiceRequest

    return ServiceRequest.objects.count()


def _service_request(world):
    from offers.tests.matrix_requests import _request

    return _request(world)


def _service_request_state(world, request):
    return type(request).objects.filter(pk=request.pk).values_list("state", flat=True).get()


def _contact(world):
    from contacts.tests.matrix_requests import _setup

    return _setup(world)


def _contact_state(world, request):
    return (
        type(request)
        .objects.filter(pk=request.pk)
        .values_list("state", "assigned_to_id", "closed_at")
        .get()
    )


def _contact_url(name):
    return lambda world, request: reverse(f"api:{name}", args=[request.reference])


ROWS = [
    Endpoint(
        "api:write_my_plans",
        "api",
        "GET",
        SIGNED_IN,
        url=lambda world, target: reverse("api:write_my_plans"),
        auth="jeton",
    ),
    Endpoint(
        "api:write_plan_actions",
        "api",
        "GET",
        READERS_IN,
        url=_plan_url("write_plan_actions"),
        auth="jeton",
        label="lecture",
    ),
    Endpoint(
        "api:write_plan_actions",
        "api",
        "POST",
        EDITORS,
        url=_plan_url("write_plan_actions"),
        data=lambda world, target: {"code": "API-NEW", "titre": "Nouvelle", "axe": "innovation"},
        state=_actions_count,
        ok=frozenset({201}),
        auth="jeton",
        label="création",
    ),
    Endpoint(
        "api:write_plan_action",
        "api",
        "PATCH",
        EDITORS,
        setup=_action,
        url=lambda world, action: _plan_url("write_plan_action", action.code)(world, action),
        data=lambda world, action: {"titre": "Titre changé par l'API", "version": 1},
        state=_action_state,
        ok=frozenset({200}),
        auth="jeton",
    ),
    Endpoint(
        "api:write_plan_submit",
        "api",
        "POST",
        EDITORS,
        setup=_action,
        url=_plan_url("write_plan_submit"),
        data=lambda world, action: {"commentaire": "Soumis par l'API"},
        state=_plan_state,
        ok=frozenset({200}),
        auth="jeton",
    ),
    Endpoint(
        "api:write_service_requests",
        "api",
        "GET",
        SIGNED_IN,
        setup=_service_request,
        url=lambda world, target: reverse("api:write_service_requests"),
        auth="jeton",
        label="lecture",
    ),
    Endpoint(
        "api:write_service_requests",
        "api",
        "POST",
        EDITORS,
        setup=_service,
        url=lambda world, target: reverse("api:write_service_requests"),
        data=lambda world, service: {
            "phase": world.territory.phase_id,
            "territoire": world.territory.ti_id,
            "service": service.pk,
            "message": "Bonjour, par l'API",
        },
        state=_service_requests,
        ok=frozenset({201}),
        auth="jeton",
    ),
    Endpoint(
        "api:write_service_request_decision",
        "api",
        "POST",
        ADMIN | OPERATORS_IN,
        setup=_service_request,
        url=lambda world, request: reverse("api:write_service_request_decision", args=[request.pk]),
        data=lambda world, request: {"attendu": "envoyee", "etat": "en-cours"},
        state=_service_request_state,
        ok=frozenset({200}),
        auth="jeton",
    ),
    Endpoint(
        "api:write_contact_requests",
        "api",
        "GET",
        INBOX,
        setup=_contact,
        url=lambda world, target: reverse("api:write_contact_requests"),
        auth="jeton",
    ),
    Endpoint(
        "api:write_contact_take",
        "api",
        "POST",
        HANDLERS,
        setup=_contact,
        url=_contact_url("write_contact_take"),
        state=_contact_state,
        ok=frozenset({200}),
        auth="jeton",
    ),
    Endpoint(
        "api:write_contact_answer",
        "api",
        "POST",
        HANDLERS,
        setup=_contact,
        url=_contact_url("write_contact_answer"),
        data=lambda world, request: {"texte": "Bonjour, voici notre réponse."},
        state=_contact_state,
        ok=frozenset({200}),
        auth="jeton",
    ),
    Endpoint(
        "api:write_contact_close",
        "api",
        "POST",
        HANDLERS,
        setup=_contact,
        url=_contact_url("write_contact_close"),
        state=_contact_state,
        ok=frozenset({200}),
        auth="jeton",
    ),
]
