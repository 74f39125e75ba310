"""Response schemas of the service offer and the public contacts (API v1: /services, /equipes).

French field names, as in the other answers (api/v1/schemas.py) and the CLI's JSON (``territoires
route``).
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from .schemas import Area, Page


class Label(Schema):
    code: str
    libelle: str


class OperatorOut(Schema):
    id: str = Field(description="Identifiant de l'opérateur (ADEME, bpifrance…).")
    nom: str
    sigle: str
    site: str = Field(description="Site internet de l'opérateur (vide s'il n'est pas connu).")


class ScopeTerritory(Schema):
    phase: str
    id: str
    nom: str


class ScopeOut(Schema):
    type: str = Field(description="national, regions, departements ou territoires.")
    type_libelle: str
    regions: list[Area] = Field(description="Régions couvertes (vide : national, ou autre type).")
    departements: list[Area]
    territoires: list[ScopeTerritory]


class ServiceOut(Schema):
    id: str = Field(description="Identifiant du service (celui de son adresse).")
    titre: str
    description: str
    operateur: OperatorOut
    axes: list[Label] = Field(description="Axes des plans d'actions auxquels le service répond.")
    type: Label = Field(description="Type de service : ingénierie, financement, prêt…")
    demandeurs: list[Label] = Field(description="Qui peut le demander.")
    perimetre: ScopeOut
    phase: str | None = Field(description="Phase du programme ; null : toutes les phases.")
    ouvert_le: date | None = Field(description="Ouvert à partir de ce jour (null : déjà ouvert).")
    cloture_le: date | None = Field(description="Date de clôture (null : sans date).")
    statut: Label = Field(description="ouvert ou ferme (tel que saisi par l'opérateur).")
    disponibilite: str = Field(
        description="Ce qu'en lit un visiteur aujourd'hui : « Ouvert », « Fermé », « Ouvre le … »."
    )
    montant_ou_taux: str = Field(description="Vide quand il n'est pas public.")
    lien: str = Field(description="Lien pour candidater ou s'informer (vide s'il n'y en a pas).")
    source: str = Field(description="Page publique dont la fiche est tirée.")
    url: str = Field(description="Page du service dans le catalogue.")


class ServicePage(Page):
    resultats: list[ServiceOut]


class PublicMember(Schema):
    nom: str
    fonction: str
    email: str = Field(description="Adresse professionnelle publiée par l'équipe.")
    telephone: str


class PublicTeam(Schema):
    niveau: str = Field(description="territoire, departement, region ou national.")
    code: str | None = Field(
        description="Identifiant du territoire, code du département ou de la région ; null : national."
    )
    nom: str
    organisation: str
    membres: list[PublicMember] = Field(
        description="Membres publics seulement (liste vide : coordonnées nominatives non publiées)."
    )


class CommuneRef(Schema):
    code: str
    nom: str


class RouteTerritory(Schema):
    phase: str
    id: str
    nom: str
    url: str


class TeamsAnswer(Schema):
    commune: CommuneRef
    phase: str | None = Field(description="Phase des territoires retenus (la plus récente).")
    territoires: list[RouteTerritory] = Field(description="Territoires de la commune.")
    equipes: list[PublicTeam] = Field(
        description="Du plus local au national : territoire, département, région, équipe nationale."
    )
