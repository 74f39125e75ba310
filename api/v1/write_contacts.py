"""The « Contactez-nous » inbox by API (token only): list, take, answer, close.

The steps are contacts/services/requests.py's (take, answer, close: each one an event of the
request's journal, the answer emailed to the requester), the answer checked by the screen's form,
the permissions contacts/rules.py's, asked through core/authz.py as the inbox screens do.
"""

from __future__ import annotations

from ninja import Router
from ninja.errors import HttpError

from contacts.forms_requests import AnswerForm
from contacts.models import ContactRequest, RequestState
from contacts.selectors_requests import visible_requests
from contacts.services import requests as steps
from core.authz import api_authorize

from .auth import token_auth
from .base import PAGE, TAILLE, choice, paginate, param
from .schemas_write import (
    READ_ERRORS,
    WRITE_ERRORS,
    ContactAnswerIn,
    ContactRequestOut,
    ContactRequestPage,
    body,
    read_body,
    refuse_form,
)

router = Router(tags=["Écriture — demandes de contact"], auth=token_auth)

ETAT = param("État : nouvelle, prise, repondue ou close ; vide : tous.")


def _out(item: ContactRequest) -> dict:
    return {
        "reference": item.reference,
        "etat": item.state,
        "etat_libelle": item.get_state_display(),
        "equipe": str(item.team),
        "commune": item.commune.code,
        "commune_nom": item.commune.name,
        "sujet": item.subject,
        "sujet_libelle": item.get_subject_display(),
        "nom": item.name,
        "organisation": item.organisation,
        "email": item.email,
        "telephone": item.phone,
        "message": item.message,
        "recue_le": item.created_at,
        "suivie_par": item.assigned_to.email if item.assigned_to else None,
        "premiere_reponse_le": item.first_answered_at,
        "close_le": item.closed_at,
    }


@router.get(
    "/demandes-de-contact",
    response={200: ContactRequestPage, **READ_ERRORS},
    summary="Les demandes « Contactez-nous » de mes équipes (et de ma zone)",
    url_name="write_contact_requests",
)
def contact_requests(request, etat: str = ETAT, page: str = PAGE, taille: str = TAILLE):
    """Ce que la boîte « Demandes reçues » montre à la personne du jeton
    (`contacts.use_request_inbox`) : les demandes de ses équipes, de sa zone pour un coordinateur,
    toutes pour l'équipe nationale ; les plus récentes d'abord."""
    api_authorize(request.user, "contacts.use_request_inbox")
    items = visible_requests(request.user).select_related("commune")
    if etat:
        items = items.filter(state=choice("etat", etat, tuple(RequestState.values), ""))
    answer = paginate(request, list(items.order_by("-created_at", "-pk")), page, taille)
    answer["resultats"] = [_out(item) for item in answer["resultats"]]
    return answer


contact_requests.authz_permission = "contacts.use_request_inbox"


def _handled(request, reference: str) -> ContactRequest:
    item = (
        ContactRequest.objects.select_related("team", "commune__departement", "assigned_to")
        .filter(reference=reference)
        .first()
    )
    if item is None:
        raise HttpError(404, f"Demande {reference} inconnue.")
    api_authorize(request.user, "contacts.handle_contact_request", item)
    return item


def _step(item: ContactRequest, action) -> dict:
    try:
        action()
    except steps.RequestError as error:
        raise HttpError(409, str(error)) from None
    item.refresh_from_db()
    return _out(item)


@router.post(
    "/demandes-de-contact/{reference}/prise",
    response={200: ContactRequestOut, **WRITE_ERRORS},
    summary="Suivre une demande (la prendre en charge)",
    url_name="write_contact_take",
)
def take(request, reference: str):
    """Comme « Je m'en occupe » (`contacts.handle_contact_request`) ; demande close : 409."""
    item = _handled(request, reference)
    return _step(item, lambda: steps.take(item, request.user))


take.authz_permission = "contacts.handle_contact_request"


@router.post(
    "/demandes-de-contact/{reference}/reponse",
    response={200: ContactRequestOut, **WRITE_ERRORS},
    summary="Répondre au demandeur (par courriel)",
    url_name="write_contact_answer",
    openapi_extra=body(ContactAnswerIn, "La réponse, envoyée par courriel en texte brut."),
)
def answer(request, reference: str):
    """Comme « Répondre » : la réponse part par courriel et date le délai de réponse."""
    item = _handled(request, reference)
    payload = read_body(request, {"texte"})
    text = payload.get("texte")
    form = AnswerForm({"text": text if isinstance(text, str) else ""})
    if not form.is_valid():
        refuse_form(form, {"text": "texte"})
    return _step(item, lambda: steps.answer(item, request.user, form.cleaned_data["text"]))


answer.authz_permission = "contacts.handle_contact_request"


@router.post(
    "/demandes-de-contact/{reference}/cloture",
    response={200: ContactRequestOut, **WRITE_ERRORS},
    summary="Clore une demande",
    url_name="write_contact_close",
)
def close(request, reference: str):
    """Comme « Clore la demande » ; déjà close : 409."""
    item = _handled(request, reference)
    return _step(item, lambda: steps.close(item, request.user))


close.authz_permission = "contacts.handle_contact_request"
