"""The service offer (API v1): the public catalogue of /offre/ as JSON, with the same filters.

The filters are the catalogue page's own form (offers/forms_catalogue.py) and query
(``offers.selectors.catalogue``): a URL of the page and the same query string here list the same
services in the same order.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from geo.models import Departement, Region
from offers import selectors
from offers.forms_catalogue import CatalogueFilters
from offers.models import Applicant, Service, ServiceKind
from plans.models import Axis
from territories.models import Territory

from .base import BAD_REQUEST, NOT_FOUND, PAGE, TAILLE, paginate, param
from .schemas_offers import ServicePage

router = Router(tags=["Offre de services"])

FILTERS = ("q", "axe", "operateur", "type", "demandeur", "ouvert", "territoire", "commune", "tri")


def _labels(choices) -> dict[str, str]:
    return dict(choices)


def _label(code: str, labels: dict[str, str]) -> dict:
    return {"code": code, "libelle": labels.get(code, code)}


def _service(service: Service, today) -> dict:
    axes, applicants = _labels(Axis.choices), _labels(Applicant.choices)
    operator = service.operator
    return {
        "id": service.slug,
        "titre": service.title,
        "description": service.description,
        "operateur": {
            "id": operator.slug,
            "nom": operator.name,
            "sigle": operator.acronym,
            "site": operator.website,
        },
        "axes": [_label(code, axes) for code in service.axes],
        "type": _label(service.kind, _labels(ServiceKind.choices)),
        "demandeurs": [_label(code, applicants) for code in service.applicants],
        "perimetre": {
            "type": service.scope,
            "type_libelle": service.get_scope_display(),
            "regions": [{"code": r.code, "nom": r.name} for r in service.regions.all()],
            "departements": [{"code": d.code, "nom": d.name} for d in service.departements.all()],
            "territoires": [
                {"phase": t.phase_id, "id": t.ti_id, "nom": t.name}
                for t in service.territories.all()
            ],
        },
        "phase": service.phase_id,
        "ouvert_le": service.opens_on,
        "cloture_le": service.closes_on,
        "statut": {"code": service.status, "libelle": service.get_status_display()},
        "disponibilite": selectors.availability(service, today)[0],
        "montant_ou_taux": service.amount_or_rate,
        "lien": service.link,
        "source": service.source,
        "url": reverse("offers:service", args=[service.slug]),
    }


def _refusal(form: CatalogueFilters) -> str:
    parts = []
    for name, messages in form.errors.items():
        label = f"Paramètre {name} : " if name in form.fields else ""
        parts.append(label + " ".join(messages))
    if form.candidates:
        parts.append("Communes possibles : " + " ; ".join(form.candidates) + ".")
    return " ".join(parts)


@router.get(
    "/services",
    response={200: ServicePage, **BAD_REQUEST, **NOT_FOUND},
    summary="Offre de services (liste paginée, filtres du catalogue)",
    url_name="services",
)
def services(
    request,
    q: str = param("Mots cherchés dans l'intitulé, la description et l'opérateur.", "foncier"),
    axe: str = param("Axe : " + ", ".join(Axis.values) + "."),
    operateur: str = param("Identifiant d'un opérateur.", "bpifrance"),
    type: str = param("Type de service : " + ", ".join(ServiceKind.values) + "."),
    demandeur: str = param("Demandeur : " + ", ".join(Applicant.values) + "."),
    ouvert: str = param("true : seulement les services ouverts aujourd'hui."),
    territoire: str = param("Territoire, écrit phase/identifiant.", "2023-2027/ti-1108"),
    commune: str = param(
        "Code INSEE ou nom d'une commune : les services ouverts à ses territoires."
    ),
    tri: str = param("Tri : titre (défaut), operateur, cloture."),
    page: str = PAGE,
    taille: str = TAILLE,
):
    """Les services du catalogue public (`/offre/`), avec les mêmes filtres et le même ordre que la
    page : `q`, `axe`, `operateur`, `type`, `demandeur`, `ouvert`, `territoire` (phase/identifiant),
    `commune` (les services ouverts à ses territoires, ou à son département et sa région hors de tout
    territoire), `tri`. Une valeur inconnue est refusée (400) avec ce qui était attendu.
    Pagination : `page`, `taille` (50, au plus 500)."""
    data = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    form = CatalogueFilters(data or None)
    if form.is_bound and not form.is_valid():
        raise HttpError(400, _refusal(form))
    filters = form.cleaned_data if form.is_bound else {}
    ids = list(
        selectors.catalogue(filters, form.territories, form.commune).values_list("pk", flat=True)
    )
    result = paginate(request, ids, page, taille)
    rows = (
        Service.objects.select_related("operator")
        .prefetch_related(
            # The areas' outlines (large JSON) are not needed to name them.
            Prefetch("regions", Region.objects.defer("geometry").order_by("code")),
            Prefetch("departements", Departement.objects.defer("geometry").order_by("code")),
            Prefetch(
                "territories",
                Territory.objects.defer("geometry", "geometry_simplified").order_by(
                    "phase_id", "ti_id"
                ),
            ),
        )
        .in_bulk(result["resultats"])
    )
    today = timezone.localdate()
    result["resultats"] = [_service(rows[pk], today) for pk in result["resultats"]]
    return result
