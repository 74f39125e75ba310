"""Schemas of API v1's writing operations (api/v1/write_*.py), and how their JSON bodies are read.

Bodies are read here rather than by ninja: its validation messages are in English, and the screens'
own forms already check every field with French messages (the same checks, one way). Each body's
schema is still declared in /api/v1/openapi.json (``body(...)``).
"""

from __future__ import annotations

from datetime import date, datetime

import orjson
from ninja import Field, Schema
from ninja.errors import HttpError

from .auth import FORBIDDEN, UNAUTHORIZED
from .schemas import Error

MAX_BODY_BYTES = 200_000  # an action's longest texts fit many times; a bigger body is a mistake

# Error answers of the writing operations (each declares those it may give).
WRITE_ERRORS = {
    **UNAUTHORIZED,
    **FORBIDDEN,
    400: Error,
    404: Error,
    409: Error,
    422: Error,
}
READ_ERRORS = {**UNAUTHORIZED, **FORBIDDEN, 400: Error, 404: Error}


def body(schema: type[Schema], description: str) -> dict:
    """``openapi_extra`` declaring ``schema`` as the JSON request body."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def read_body(request, allowed: set[str]) -> dict:
    """The JSON object sent, with only known keys (400 otherwise, in French)."""
    if len(request.body) > MAX_BODY_BYTES:
        raise HttpError(400, f"Corps trop long : au plus {MAX_BODY_BYTES} octets.")
    try:
        data = orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError:
        raise HttpError(400, "Corps illisible : attendu un objet JSON.") from None
    if not isinstance(data, dict):
        raise HttpError(400, "Corps : attendu un objet JSON ({…}).")
    if _has_nul(data):
        # PostgreSQL refuses NUL in a string: a look-up by such a value would answer 500.
        raise HttpError(400, "Caractère nul (\\u0000) refusé dans le corps.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise HttpError(
            400,
            f"Champ(s) inconnu(s) : {', '.join(unknown)} ; attendu parmi {', '.join(sorted(allowed))}.",
        )
    return data


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def form_errors(form, names: dict[str, str] | None = None) -> str:
    """A Django form's errors as one French sentence, fields named as in the JSON body."""
    names = names or {}
    parts = []
    for field, errors in form.errors.items():
        label = "" if field == "__all__" else f"{names.get(field, field)} : "
        parts.append(label + " ".join(str(e) for e in errors))
    return " ; ".join(parts)


def refuse_form(form, names: dict[str, str] | None = None):
    raise HttpError(422, form_errors(form, names))


# --- Action plans ---------------------------------------------------------------------------------


class ActionIn(Schema):
    """An action's fields (all optional on a change: only those sent change)."""

    code: str | None = Field(None, description="Code unique dans le plan.", examples=["TE-01"])
    titre: str | None = None
    axe: str | None = Field(None, description="Code de l'axe (reconquete, transition-ecologique…).")
    sous_theme: str | None = None
    description: str | None = None
    objectifs: str | None = None
    porteur: str | None = None
    porteur_type: str | None = None
    porteur_siret: str | None = None
    partenaires: str | None = None
    maturite: str | None = None
    statut: str | None = None
    priorite: str | None = None
    date_debut: date | None = None
    date_fin: date | None = None
    communes: list[str] | None = Field(None, description="Codes INSEE de communes du territoire.")
    cout_total: str | None = Field(None, description="En euros HT, par exemple « 750000,50 ».")
    investissement_industriel: str | None = None
    emplois_crees: int | None = None
    emplois_maintenus: int | None = None
    confidentielle: bool | None = None
    version: int | None = Field(
        None,
        description="Modification : la version lue (champ `version` de la réponse) ; si l'action a "
        "été modifiée depuis, 409 et rien n'est écrit.",
    )


class ActionOut(Schema):
    code: str
    titre: str
    axe: str
    axe_libelle: str
    sous_theme: str
    description: str
    objectifs: str
    porteur: str
    porteur_type: str
    porteur_siret: str
    partenaires: str
    maturite: str
    statut: str
    priorite: str
    date_debut: date | None
    date_fin: date | None
    communes: list[str]
    cout_total: str | None
    investissement_industriel: str | None
    emplois_crees: int | None
    emplois_maintenus: int | None
    confidentielle: bool
    archivee: bool
    version: int
    modifiee_le: datetime


class PlanRef(Schema):
    phase: str
    id: str = Field(examples=["ti-1108"])
    nom: str
    etat: str = Field(description="brouillon, soumis ou valide ; vide : pas encore de plan.")
    etat_libelle: str
    modifiable: bool = Field(description="La personne du jeton peut-elle le modifier ?")
    actions: int


class MyPlansPage(Schema):
    nombre: int
    page: int
    pages: int
    taille: int
    suivante: str | None
    precedente: str | None
    resultats: list[PlanRef]


class PlanActionsOut(Schema):
    plan: PlanRef
    actions: list[ActionOut]


class SubmitIn(Schema):
    commentaire: str | None = Field(None, description="Commentaire joint à la soumission.")


class TransitionOut(Schema):
    etat: str
    etat_libelle: str
    soumis_le: datetime | None


# --- Service requests -----------------------------------------------------------------------------


class ServiceRequestIn(Schema):
    phase: str = Field(examples=["2023-2027"])
    territoire: str = Field(examples=["ti-1108"], description="Identifiant du territoire.")
    action: str | None = Field(None, description="Code de la fiche action ; vide : tout le plan.")
    service: str | int = Field(
        description="L'`id` du service dans GET /api/v1/services "
        "(« fonds-vert-territoires-industrie ») ; son numéro (`service` des réponses) aussi.",
    )
    message: str
    montant_demande: str | None = Field(None, description="En euros, pour un financement.")


class ServiceRequestDecisionIn(Schema):
    attendu: str = Field(
        description="L'état lu (envoyee, en-cours…) : si la demande a changé depuis, 409."
    )
    etat: str = Field(description="Nouvel état : en-cours, acceptee, refusee ou close.")
    message: str | None = Field(None, description="Obligatoire pour un refus.")
    montant_accorde: str | None = Field(None, description="Acceptation : montant accordé (€).")
    date_decision: date | None = Field(None, description="Acceptation : date de la décision.")
    dispositif: str | None = Field(None, description="Acceptation : dispositif (financement).")


class ServiceRequestOut(Schema):
    id: int
    etat: str
    etat_libelle: str
    service: int
    service_titre: str
    operateur: str
    phase: str
    territoire: str
    action: str | None = Field(
        description="Code de la fiche action (vide pour une demande faite depuis le plan, ou "
        "confidentielle pour l'opérateur)."
    )
    montant_demande: str | None
    envoyee_le: datetime
    decidee_le: datetime | None


class ServiceRequestPage(Schema):
    nombre: int
    page: int
    pages: int
    taille: int
    suivante: str | None
    precedente: str | None
    resultats: list[ServiceRequestOut]


# --- Contact requests -----------------------------------------------------------------------------


class ContactRequestOut(Schema):
    reference: str = Field(examples=["DC-2026-ABC234"])
    etat: str
    etat_libelle: str
    equipe: str
    commune: str = Field(description="Code INSEE.")
    commune_nom: str
    sujet: str
    sujet_libelle: str
    nom: str
    organisation: str
    email: str
    telephone: str
    message: str
    recue_le: datetime
    suivie_par: str | None = Field(description="Adresse de la personne qui la suit.")
    premiere_reponse_le: datetime | None
    close_le: datetime | None


class ContactRequestPage(Schema):
    nombre: int
    page: int
    pages: int
    taille: int
    suivante: str | None
    precedente: str | None
    resultats: list[ContactRequestOut]


class ContactAnswerIn(Schema):
    texte: str = Field(description="Réponse envoyée par courriel au demandeur (texte brut).")
