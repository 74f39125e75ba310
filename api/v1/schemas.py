"""Response schemas of API v1: what each operation declares in /api/v1/openapi.json.

Field names are French, as in the CLI's JSON (``territoires lookup``, ``territoires stats``) and the
CSV downloads, so that one reader's dictionary covers them all.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class Error(Schema):
    detail: str = Field(description="Ce qui ne va pas, en français, et ce qui était attendu.")


class LookupErrorOut(Error):
    candidats: list[str] = Field(
        default_factory=list, description="Communes homonymes (nom, code INSEE, département)."
    )


class PhaseOut(Schema):
    code: str = Field(examples=["2023-2027"])
    numero: int
    libelle: str
    debut: date
    fin: date
    territoires: int = Field(description="Nombre de territoires d'industrie de la phase.")
    importee_le: datetime | None


class Area(Schema):
    code: str
    nom: str


class Groupement(Schema):
    siren: str
    nom: str
    nature: str


class TerritoryRef(Schema):
    phase: str
    id: str = Field(examples=["ti-1108"])
    nom: str
    url: str = Field(description="Page publique du territoire.")


class TerritoryItem(Schema):
    id: str
    nom: str
    phase: str
    statut: str = Field(description="Par rapport à la phase précédente (vide en première phase).")
    statut_libelle: str
    region: str = Field(description="Code de la région principale.")
    departement: str = Field(description="Code du département principal.")
    regions: list[str] = Field(description="Codes des régions touchées.")
    departements: list[str] = Field(description="Codes des départements touchés.")
    population: int
    communes: int = Field(description="Nombre de communes.")
    point: list[float] | None = Field(description="Un point intérieur [longitude, latitude].")
    url: str


class Page(Schema):
    nombre: int = Field(description="Nombre total de résultats.")
    page: int
    pages: int
    taille: int = Field(description="Résultats par page.")
    suivante: str | None = Field(description="Adresse de la page suivante, ou null.")
    precedente: str | None = Field(description="Adresse de la page précédente, ou null.")


class TerritoryPage(Page):
    resultats: list[TerritoryItem]


class Member(Schema):
    siren: str
    nom: str
    type: str = Field(description="groupement (EPCI ou EPT) ou commune.")
    nature_juridique: str
    population: int


class CommuneOfTerritory(Schema):
    code: str
    nom: str
    population: int
    epci: str | None = Field(description="SIREN de l'EPCI.")


class LineageLink(TerritoryRef):
    communes_partagees: int


class AxisFigures(Schema):
    axe: str
    libelle: str
    actions: int
    realisees: int
    en_retard: int
    cout_total: str = Field(description="En euros, nombre décimal écrit en texte.")
    montant_sollicite: str
    montant_accorde: str
    montant_verse: str


class PlanOut(Schema):
    publie_le: datetime = Field(
        description="Date de la dernière validation (ce que voit le public)."
    )
    axes: list[AxisFigures]
    total: AxisFigures
    url: str


class TerritoryDetail(Schema):
    id: str
    nom: str
    phase: str
    statut: str
    statut_libelle: str
    devenir: str = Field(description="Ce qu'il devient dans la phase suivante (vide sinon).")
    population: int
    nombre_communes: int
    region: Area | None
    departement: Area | None
    regions: list[Area]
    departements: list[Area]
    membres: list[Member]
    communes: list[CommuneOfTerritory]
    predecesseurs: list[LineageLink]
    successeurs: list[LineageLink]
    plan: PlanOut | None = Field(description="Résumé du plan d'actions validé, ou null.")
    url: str


class LookupCommune(Schema):
    code: str
    nom: str
    epci: Groupement | None
    ept: Groupement | None
    departement: Area | None
    region: Area | None
    population: int
    codes_postaux: list[str]


class CommuneAnswer(Schema):
    commune: LookupCommune
    territoires: list[TerritoryRef]
    ancien_code: str | None = Field(description="Code d'une commune fusionnée depuis, si demandé.")
    ancien_nom: str | None


class PointIn(Schema):
    longitude: float
    latitude: float


class NearTerritory(TerritoryRef):
    distance_km: float


class PointAnswer(Schema):
    point: PointIn
    territoires: list[TerritoryRef]
    plus_proches: list[NearTerritory] = Field(
        description="Pour chaque phase où aucun territoire ne contient le point : le plus proche."
    )


class PointOnePhase(Schema):
    phase: str
    territoires: list[TerritoryRef]
    plus_proche: NearTerritory | None


class BatchItem(Schema):
    requete: str | list[float] = Field(description="L'élément envoyé, tel quel.")
    commune: LookupCommune | None = None
    territoires: list[TerritoryRef] | None = None
    ancien_code: str | None = None
    ancien_nom: str | None = None
    point: PointIn | None = None
    plus_proches: list[NearTerritory] | None = None
    erreur: str | None = None
    candidats: list[str] | None = None


class BatchAnswer(Schema):
    resultats: list[BatchItem]


class StatsTerritory(Schema):
    id: str
    nom: str


class StatsRow(Schema):
    code: str
    nom: str
    nombre: int
    territoires: list[StatsTerritory]


class KeyFigures(Schema):
    phase: str
    territoires: int
    communes: int
    population: int
    regions: int
    departements: int
    definitions: dict[str, str]


class SearchResult(Schema):
    type: str
    type_libelle: str
    libelle: str
    detail: str
    url: str


class SearchAnswer(Schema):
    requete: str
    resultats: list[SearchResult]


class PublicFunding(Schema):
    financeur: str
    dispositif: str
    montant: str
    etat: str
    etat_libelle: str


class PublicAction(Schema):
    territoire: TerritoryRef
    publie_le: datetime
    code: str
    titre: str
    description: str
    axe: str
    axe_libelle: str
    sous_theme: str
    statut: str
    statut_libelle: str
    maturite: str
    maturite_libelle: str
    porteur_type: str
    porteur: str = Field(description="Nom du porteur public (vide pour un porteur privé).")
    cout_total: str | None
    date_fin: date | None
    communes: list[str]
    financements: list[PublicFunding]


class ActionPage(Page):
    resultats: list[PublicAction]
