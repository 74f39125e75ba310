"""Public actions of the validated action plans (API v1): what the public plan pages show.

Read from each plan's last publication (plans/services/publication.py), never from the live actions:
confidential and archived actions, and edits made since the last validation, are not in it.
"""

from __future__ import annotations

from ninja import Router
from ninja.errors import HttpError

from core.imports import quote
from plans.models import Axis
from plans.selectors import latest_publications
from plans.services.publication import PublishedAction
from public.services.versioning import cached, data_version

from .base import (
    BAD_REQUEST,
    NOT_FOUND,
    PAGE,
    PHASE_ALL,
    TAILLE,
    TerritoryUrls,
    optional_phase,
    paginate,
    param,
)
from .schemas import ActionPage

router = Router(tags=["Plans d'actions"])

AXES = [axis.value for axis in Axis]


def _action(action: PublishedAction, territory: dict, published_at) -> dict:
    return {
        "territoire": territory,
        "publie_le": published_at,
        "code": action.code,
        "titre": action.title,
        "description": action.description,
        "axe": action.axis,
        "axe_libelle": Axis(action.axis).label if action.axis in AXES else action.axis,
        "sous_theme": action.sub_theme,
        "statut": action.status,
        "statut_libelle": action.status_label,
        "maturite": action.maturity,
        "maturite_libelle": action.maturity_label,
        "porteur_type": action.carrier_kind,
        "porteur": action.carrier_name,
        "cout_total": None if action.total_cost is None else str(action.total_cost),
        "date_fin": action.end_date,
        "communes": action.communes,
        "financements": [
            {
                "financeur": f.funder,
                "dispositif": f.scheme,
                "montant": str(f.amount),
                "etat": f.state,
                "etat_libelle": f.state_label,
            }
            for f in action.fundings
        ],
    }


@router.get(
    "/actions",
    response={200: ActionPage, **BAD_REQUEST, **NOT_FOUND},
    summary="Actions publiques des plans validés (liste paginée)",
    url_name="actions",
)
def actions(
    request,
    phase: str = PHASE_ALL,
    territoire: str = param("Identifiant d'un territoire.", "ti-1108"),
    axe: str = param("Axe : " + ", ".join(AXES) + "."),
    page: str = PAGE,
    taille: str = TAILLE,
):
    """Les actions publiques (non confidentielles, non archivées) de la dernière version validée de
    chaque plan d'actions, par phase, territoire, axe et code. Filtres : `phase` (toutes sinon),
    `territoire` (identifiant, par exemple ti-1108), `axe` (transition-ecologique, innovation,
    competences, foncier). Montants en euros, écrits en texte décimal ; le nom d'un porteur privé
    n'est jamais publié. Pagination : `page`, `taille` (50, au plus 500)."""
    selected = optional_phase(phase)
    if axe and axe not in AXES:
        raise HttpError(400, f"Axe « {quote(axe)} » inconnu : attendu l'un de {', '.join(AXES)}.")
    items = [
        item
        for item in _published_actions(selected.code if selected else "")
        if (not territoire or item["territoire"]["id"] == territoire)
        and (not axe or item["axe"] == axe)
    ]
    return paginate(request, items, page, taille)


def _published_actions(phase: str) -> list[dict]:
    """Every public action of the phase ("": all phases), kept once per process until the data or a
    publication changes. Keyed by phase only (a checked code), so that no query string grows the cache."""

    def build() -> list[dict]:
        urls, items = TerritoryUrls(), []
        for publication in latest_publications(phase):
            territory = publication.plan.territory
            ref = urls.ref(
                {"phase": territory.phase_id, "id": territory.ti_id, "nom": territory.name}
            )
            for row in publication.actions:
                action = PublishedAction.from_json(row)
                items.append(_action(action, ref, publication.published_at))
        return items

    # The data version covers validated publications (core/datastamp.py).
    return cached(("public-actions", phase), build, data_version())
