"""The dashboards' other figures (API v1): the public figures of a national, régional, départemental or
territory dashboard, the comparison between régions or départements, and between phases. The numbers
are stats/services/'s (the same as the pages under /tableaux-de-bord/); confidential actions are never
in them (the API is public: the figures of the public site).
"""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema
from ninja.errors import HttpError

from core.imports import quote
from geo.models import Departement, Region
from stats.definitions import DEFINITIONS
from stats.services.dashboard import as_json, compare_areas, compare_phases, dashboard_figures
from stats.services.scope import Scope
from stats.services.territories import BY_CHOICES
from territories.models import Territory

from .base import BAD_REQUEST, NOT_FOUND, PHASE_LATEST, choice, param, resolve_phase

router = Router(tags=["Chiffres"])

REGION = param("Code INSEE d'une région : son tableau de bord.", "11")
DEPARTEMENT = param("Code d'un département : son tableau de bord.", "77")
TERRITOIRE = param("Identifiant d'un territoire de la phase : son tableau de bord.", "ti-1108")
DASHBOARD_DEFINITIONS = (
    "territoires_principal",
    "territoires_touching",
    "communes_perimetre",
    "filiation",
    "actions",
    "actions_axe_statut",
    "actions_maturite",
    "sollicite",
    "accorde",
    "verse",
    "demandes_services",
    "contacts",
    "retards",
)


class Label(Schema):
    code: str
    libelle: str


class Perimeter(Schema):
    type: str
    code: str


class Coverage(Schema):
    territoires: int
    territoires_touching: int
    communes: int
    population: int


class Lineage(Schema):
    nouveau: int
    reconduit: int
    etendu: int
    reduit: int
    recompose: int
    non_reconduits: int | None


class AxisRow(Schema):
    code: str
    libelle: str
    statuts: dict[str, int]
    total: int


class MaturityRow(Schema):
    code: str
    libelle: str
    nombre: int


class Actions(Schema):
    total: int
    confidentielles: int
    statuts: list[Label]
    par_axe_statut: list[AxisRow]
    par_maturite: list[MaturityRow]


class Amounts(Schema):
    sollicite: str
    accorde: str
    verse: str


class FunderRow(Amounts):
    financeur: str


class MoneyRow(FunderRow):
    dispositif: str


class Money(Schema):
    lignes: list[MoneyRow]
    financeurs: list[FunderRow]
    total: Amounts


class OperatorRow(Schema):
    operateur: str
    etats: dict[str, int]
    total: int
    decidees: int
    taux_refus: float | None
    delai_median_jours: float | None


class Requests(Schema):
    etats: list[Label]
    operateurs: list[OperatorRow]
    par_etat: dict[str, int]
    total: int
    decidees: int
    taux_refus: float | None
    delai_median_jours: float | None


class Contacts(Schema):
    recues: int
    comptees: int
    dans_le_delai: int
    part_dans_le_delai: int | None
    delai_median_jours: float | None
    objectif_jours: int


class Late(Schema):
    mois: int
    depuis: date
    nombre: int
    par_type: dict[str, int]


class Dashboard(Schema):
    phase: str
    perimetre: Perimeter
    couverture: Coverage
    filiation: Lineage
    actions: Actions
    financements: Money
    demandes: Requests
    contacts: Contacts
    retards: Late | None
    definitions: dict[str, str]


class AreaRow(Schema):
    code: str
    nom: str
    territoires: int
    territoires_touching: int
    communes: int
    population: int
    nouveau: int
    reconduit: int
    etendu: int
    reduit: int
    recompose: int
    actions: int
    sollicite: str
    accorde: str
    verse: str


class PhaseRow(Schema):
    phase: str
    libelle: str
    territoires: int
    territoires_touching: int
    communes: int
    population: int
    nouveau: int
    reconduit: int
    etendu: int
    reduit: int
    recompose: int
    non_reconduits: int | None
    actions: int
    sollicite: str
    accorde: str
    verse: str


def _scope(phase, region: str, departement: str, territoire: str) -> Scope:
    given = [(k, v) for k, v in (("region", region), ("departement", departement)) if v]
    if territoire:
        given.append(("territoire", territoire))
    if len(given) > 1:
        raise HttpError(400, "Un seul périmètre à la fois : region, departement ou territoire.")
    if not given:
        return Scope.national()
    kind, code = given[0]
    model = {"region": Region, "departement": Departement}.get(kind)
    if model is not None and not model.objects.filter(code=code).exists():
        raise HttpError(
            404, f"{model._meta.verbose_name.capitalize()} « {quote(code)} » inconnu(e)."
        )
    if kind == "territoire" and not Territory.objects.filter(phase=phase, ti_id=code).exists():
        raise HttpError(404, f"Territoire « {quote(code)} » inconnu dans la phase {phase.code}.")
    return Scope(kind, code)


@router.get(
    "/stats/tableau-de-bord",
    response={200: Dashboard, **BAD_REQUEST, **NOT_FOUND},
    summary="Chiffres d'un tableau de bord (France, région, département ou territoire)",
    url_name="dashboard",
    description=(
        "Les chiffres publics du tableau de bord national (sans paramètre de périmètre), d'une "
        "région (`region`), d'un département (`departement`) ou d'un territoire (`territoire`) "
        "pour une phase (`phase` vide : la plus récente) : couverture, filiation, actions par axe, "
        "statut et maturité, financements (montants en texte décimal), demandes de services, "
        "demandes de contact et délais de réponse, territoires en retard. Les mêmes nombres que "
        "les pages /tableaux-de-bord/. Définitions :\n\n"
        + "\n".join(f"- `{name}` : {DEFINITIONS[name]}" for name in DASHBOARD_DEFINITIONS)
    ),
)
def dashboard(
    request,
    phase: str = PHASE_LATEST,
    region: str = REGION,
    departement: str = DEPARTEMENT,
    territoire: str = TERRITOIRE,
):
    selected = resolve_phase(phase)
    figures = dashboard_figures(selected, _scope(selected, region, departement, territoire))
    if figures["retards"] is not None:
        figures["retards"] = {k: v for k, v in figures["retards"].items() if k != "territoires"}
    figures["definitions"] = {name: DEFINITIONS[name] for name in DASHBOARD_DEFINITIONS}
    return as_json(figures)


@router.get(
    "/stats/comparaison",
    response={200: list[AreaRow], **BAD_REQUEST, **NOT_FOUND},
    summary="Comparaison des régions ou des départements",
    url_name="comparison",
    description=(
        "Une ligne par région (`par=region`, défaut) ou par département (`par=departement`), dans "
        "l'ordre des codes : territoires (principal et touching), communes et population couvertes, "
        "filiation, actions et financements des territoires dont c'est le périmètre principal. "
        f"`phase` vide : la plus récente.\n\n- Actions : {DEFINITIONS['actions']}"
    ),
)
def comparison(
    request,
    phase: str = PHASE_LATEST,
    par: str = param("region (défaut) ou departement.", "departement"),
):
    selected = resolve_phase(phase)
    return as_json(compare_areas(selected, choice("par", par, BY_CHOICES, "region")))


@router.get(
    "/stats/phases",
    response={200: list[PhaseRow], **BAD_REQUEST, **NOT_FOUND},
    summary="Comparaison des phases (France, région, département)",
    url_name="phases_comparison",
    description=(
        "Une ligne par phase, de la plus ancienne à la plus récente, pour la France (sans "
        "paramètre), une région (`region`) ou un département (`departement`) : couverture, "
        f"filiation, actions et financements.\n\n- Filiation : {DEFINITIONS['filiation']}"
    ),
)
def phases(request, region: str = REGION, departement: str = DEPARTEMENT):
    scope = _scope(None, region, departement, "")
    return as_json(compare_phases(scope))
