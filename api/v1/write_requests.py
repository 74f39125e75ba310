"""Requests for services by API (token only): a territory asks, an operator answers.

The writes are offers/services/requests.py's (create_request, transition, accept), their fields
checked by the screens' forms (offers/forms_requests.py), their permissions offers/rules.py's
(« Requests »), asked through core/authz.py as the screens do.
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from core.authz import api_authorize
from offers.forms_requests import AcceptForm, RequestCreateForm, TransitionForm
from offers.models import RequestState, Service, ServiceRequest
from offers.selectors import requests_for_list
from offers.services import requests as service
from plans.models import HEAVY_FIELDS, Action
from territories.models import Territory

from .auth import token_auth
from .base import PAGE, TAILLE, choice, paginate, param
from .schemas_write import (
    READ_ERRORS,
    WRITE_ERRORS,
    ServiceRequestDecisionIn,
    ServiceRequestIn,
    ServiceRequestOut,
    ServiceRequestPage,
    body,
    read_body,
    refuse_form,
)

router = Router(tags=["Écriture — demandes de service"], auth=token_auth)

CREATE_FIELDS = {"service": "service", "message": "message", "montant_demande": "amount_requested"}
DECISION_FIELDS = {
    "attendu": "expected",
    "etat": "new",
    "message": "body",
    "montant_accorde": "granted_amount",
    "date_decision": "decided_on",
    "dispositif": "scheme",
}


def _out(user, item: ServiceRequest) -> dict:
    # The operator's side never reads a confidential action (offers.view_request_details).
    shows_action = item.action_id is not None and (
        not item.action.confidential or user.has_perm("offers.view_request_details", item)
    )
    return {
        "id": item.pk,
        "etat": item.state,
        "etat_libelle": item.get_state_display(),
        "service": item.service_id,
        "service_titre": item.service.title,
        "operateur": item.operator.name,
        "phase": item.territory.phase_id,
        "territoire": item.territory.ti_id,
        "action": item.action.code if shows_action else None,
        "montant_demande": None
        if item.amount_requested is None
        else format(item.amount_requested, "f"),
        "envoyee_le": item.created_at,
        "decidee_le": item.decided_at,
    }


def _form_data(payload: dict, names: dict[str, str]) -> dict:
    data = {}
    for json_name, value in payload.items():
        if value is None:
            continue
        data[names[json_name]] = str(value) if isinstance(value, int | float) else value
    return data


def _service_key(value):
    """The form's key (the service's number) for ``service``: the ``id`` that GET /api/v1/services
    gives (its slug, « fonds-vert-territoires-industrie »), or the number itself. A script reading
    the catalogue then asking for one of its services got « Sélectionnez un choix valide » (walk of
    2026-12-04): the catalogue names a service by its slug, this form by its number."""
    if not isinstance(value, str) or value.strip().isdigit():
        return value
    found = Service.objects.filter(slug=value.strip()).values_list("pk", flat=True).first()
    if found is None:
        raise HttpError(
            422,
            f"service : aucun service « {value[:80]} » ; attendu l'id d'un service de "
            "GET /api/v1/services (par exemple « fonds-vert-territoires-industrie »).",
        )
    return found


def _str_or_none(payload: dict, name: str) -> str | None:
    value = payload.get(name)
    if value is not None and not isinstance(value, str):
        raise HttpError(422, f"{name} : attendu un texte.")
    return value


ETAT = param("État : envoyee, en-cours, acceptee, refusee ou close ; vide : tous.")


@router.get(
    "/demandes-de-service",
    response={200: ServiceRequestPage, **READ_ERRORS},
    summary="Les demandes de service que je peux lire",
    url_name="write_service_requests",
)
def service_requests(request, etat: str = ETAT, page: str = PAGE, taille: str = TAILLE):
    """Comme la liste « Demandes de service » (`offers.list_requests`) : celles de mes territoires,
    celles adressées à mon opérateur, celles de ma zone ; les plus récentes d'abord."""
    api_authorize(request.user, "offers.list_requests")
    state = choice("etat", etat, tuple(RequestState.values), "") if etat else ""
    items = requests_for_list(request.user, {"state": state}).select_related("action__plan")
    answer = paginate(request, list(items.order_by("-created_at", "-pk")), page, taille)
    answer["resultats"] = [_out(request.user, item) for item in answer["resultats"]]
    return answer


service_requests.authz_permission = "offers.list_requests"


@router.post(
    "/demandes-de-service",
    response={201: ServiceRequestOut, **WRITE_ERRORS},
    summary="Demander un service pour un plan ou une fiche action",
    url_name="write_service_requests",
    openapi_extra=body(ServiceRequestIn, "Le territoire, l'action facultative, le service."),
)
def create_service_request(request):
    """Comme « Demander un service » (`offers.request_service` : chef de projet du territoire,
    administrateurs) ; l'opérateur du service est prévenu par courriel."""
    payload = read_body(request, {"phase", "territoire", "action", *CREATE_FIELDS})
    phase, ti_id = _str_or_none(payload, "phase"), _str_or_none(payload, "territoire")
    if not phase or not ti_id:
        raise HttpError(422, "phase et territoire : obligatoires (par exemple 2023-2027, ti-1108).")
    territory = Territory.objects.defer(*HEAVY_FIELDS).filter(phase_id=phase, ti_id=ti_id).first()
    if territory is None:
        raise HttpError(404, f"Territoire {ti_id} inconnu en phase {phase}.")
    api_authorize(request.user, "offers.request_service", territory)
    action = None
    code = _str_or_none(payload, "action")
    if code:
        action = (
            Action.objects.select_related("plan")
            .filter(plan__territory=territory, code=code)
            .first()
        )
        if action is None:
            raise HttpError(404, f"Aucune action « {code} » dans le plan de ce territoire.")
    if "service" in payload:
        payload["service"] = _service_key(payload["service"])
    form = RequestCreateForm(
        _form_data({k: v for k, v in payload.items() if k in CREATE_FIELDS}, CREATE_FIELDS),
        confidential=bool(action and action.confidential),
    )
    if not form.is_valid():
        refuse_form(form, {v: k for k, v in CREATE_FIELDS.items()})
    try:
        created = service.create_request(
            territory=territory,
            service=form.cleaned_data["service"],
            user=request.user,
            message=form.cleaned_data["message"],
            amount_requested=form.cleaned_data["amount_requested"],
            action=action,
        )
    except service.RequestError as error:
        raise HttpError(422, error.message) from None
    return Status(201, _out(request.user, _load(created.pk)))


create_service_request.authz_permission = "offers.request_service"


def _load(pk: int) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.select_related("service", "operator", "territory", "action__plan")
        .defer(*(f"territory__{name}" for name in HEAVY_FIELDS))
        .filter(pk=pk)
        .first()
    )


@router.post(
    "/demandes-de-service/{request_id}/decision",
    response={200: ServiceRequestOut, **WRITE_ERRORS},
    summary="Changer l'état d'une demande de service ou enregistrer la décision",
    url_name="write_service_request_decision",
    openapi_extra=body(
        ServiceRequestDecisionIn,
        "L'état lu (`attendu`), le nouvel état, et pour une acceptation le montant et la date.",
    ),
)
def decide_service_request(request, request_id: int):
    """Prendre en charge (`en-cours`), accepter (`acceptee`, avec un montant : le financement de
    l'action), refuser (`refusee`, message obligatoire) : l'opérateur destinataire
    (`offers.answer_request`) ; clore (`close`) : lui ou le territoire (`offers.close_request`).
    Si la demande a changé depuis l'état `attendu` : 409, rien n'est écrit."""
    payload = read_body(request, set(DECISION_FIELDS))
    item = _load(request_id) if 0 < request_id < 2**63 else None
    if item is None:
        raise HttpError(404, f"Demande de service n° {request_id} inconnue.")
    user = request.user
    api_authorize(user, "offers.view_request", item)
    new = payload.get("etat")
    if new not in RequestState.values or new == RequestState.ENVOYEE:
        raise HttpError(422, "etat : attendu en-cours, acceptee, refusee ou close.")
    api_authorize(
        user, "offers.close_request" if new == RequestState.CLOSE else "offers.answer_request", item
    )
    data = _form_data(payload, DECISION_FIELDS)
    try:
        if new == RequestState.ACCEPTEE:
            data.pop("new", None)
            data.setdefault("decided_on", timezone.localdate())  # as the screen's initial value
            form = AcceptForm(data)
            if not form.is_valid():
                refuse_form(form, {v: k for k, v in DECISION_FIELDS.items()})
            clean = form.cleaned_data
            service.accept(
                item,
                user,
                clean["expected"],
                clean["body"],
                granted_amount=clean["granted_amount"],
                decided_on=clean["decided_on"],
                scheme=clean["scheme"],
            )
        else:
            form = TransitionForm(data)
            if not form.is_valid():
                refuse_form(form, {v: k for k, v in DECISION_FIELDS.items()})
            clean = form.cleaned_data
            service.transition(item, user, clean["expected"], new, clean["body"])
    except (service.RequestConflict, service.IllegalTransition) as error:
        raise HttpError(409, error.message) from None
    except service.RequestError as error:
        raise HttpError(422, error.message) from None
    return _out(user, _load(item.pk))


decide_service_request.authz_permission = "offers.answer_request"
