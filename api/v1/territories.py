"""Phases and territories: list, one territory, GeoJSON, CSV, outlines, search (API v1)."""

from __future__ import annotations

import orjson
from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from ninja.errors import HttpError

from plans.services.publication import published_plan
from public.services import mapdata, territory_page
from public.services import search as search_service
from public.services.versioning import cached, territories_version
from stats.services.keep import kept
from territories.models import Phase, Territory

from ..responses import cached_payload_response
from .base import (
    BAD_REQUEST,
    DEPARTEMENT,
    NOT_FOUND,
    PAGE,
    PHASE_LATEST,
    REGION,
    STATUT,
    TAILLE,
    TerritoryUrls,
    paginate,
    param,
    positive_int,
    resolve_phase,
)
from .schemas import Error, PhaseOut, SearchAnswer, TerritoryDetail, TerritoryPage

router = Router(tags=["Territoires"])

GEOJSON = "application/geo+json"


FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {"type": ["object", "null"]},
                    "properties": {"type": "object"},
                },
            },
        },
    },
}


def _body_only(media_type: str, description: str) -> dict:
    """The OpenAPI ``responses`` of an operation answering a file (GeoJSON, CSV), not ninja's JSON."""
    schema = FEATURE_COLLECTION if media_type == GEOJSON else {"type": "string"}
    return {
        "responses": {
            200: {
                "description": description,
                "content": {media_type: {"schema": schema}},
            },
            304: {"description": "Inchangé depuis la version en cache (en-tête If-None-Match)."},
        }
    }


def _filters(request: HttpRequest) -> mapdata.MapFilters:
    try:
        return mapdata.MapFilters.from_params(request.GET)
    except mapdata.FilterError as error:
        raise HttpError(400, str(error)) from error


def _identity(request: HttpRequest, phase: Phase, filters: mapdata.MapFilters, *extra) -> str:
    return f"{request.path}|{phase.code}|{sorted(filters.as_params().items())}|{extra}"


@router.get(
    "/phases",
    response={200: list[PhaseOut], **BAD_REQUEST},
    summary="Phases du programme",
    url_name="phases",
)
def phases(request):
    """Les phases du programme, de la plus ancienne à la plus récente, avec leur nombre de territoires."""
    counts = dict(
        Phase.objects.annotate(n=Count("territories")).values_list("code", "n").order_by()
    )
    return [
        {
            "code": phase.code,
            "numero": phase.number,
            "libelle": phase.label,
            "debut": phase.start_date,
            "fin": phase.end_date,
            "territoires": counts.get(phase.code, 0),
            "importee_le": phase.imported_at,
        }
        for phase in Phase.objects.order_by("number")
    ]


@router.get(
    "/territoires",
    response={200: TerritoryPage, **BAD_REQUEST, **NOT_FOUND},
    summary="Territoires d'une phase (liste paginée)",
    url_name="territories",
)
def territories(
    request,
    phase: str = PHASE_LATEST,
    region: str = REGION,
    departement: str = DEPARTEMENT,
    statut: str = STATUT,
    page: str = PAGE,
    taille: str = TAILLE,
):
    """Les territoires de la phase (la plus récente si `phase` est vide), par identifiant."""
    selected, filters = resolve_phase(phase), _filters(request)
    items = [f["properties"] for f in mapdata.filtered_features(selected, filters)]
    return paginate(request, items, page, taille)


@router.get(
    "/territoires.geojson",
    response={**BAD_REQUEST, **NOT_FOUND},
    summary="Territoires d'une phase (GeoJSON)",
    url_name="territories_geojson",
    openapi_extra=_body_only(GEOJSON, "FeatureCollection des territoires."),
)
def territories_geojson(
    request,
    phase: str = PHASE_LATEST,
    region: str = REGION,
    departement: str = DEPARTEMENT,
    statut: str = STATUT,
    simplifie: str = Query(
        "true", description="true (défaut) : contours simplifiés ; false : précision d'origine."
    ),
):
    """Contours simplifiés (par défaut, ~300 Ko compressés, sans trou ni chevauchement entre voisins)
    ou à la précision d'origine (`simplifie=false`, plusieurs Mo). Compressé en gzip si le client
    l'accepte ; ETag et Cache-Control (un an avec `v=` la version des données). Mêmes filtres que
    `/territoires`."""
    if simplifie not in ("true", "false"):
        raise HttpError(400, f"Paramètre simplifie : « {simplifie} » : attendu true ou false.")
    selected, filters, version = resolve_phase(phase), _filters(request), territories_version()
    simplified = simplifie == "true"
    features = mapdata.phase_features(selected) if simplified else _full_features(selected)
    whole = filters == mapdata.MapFilters()
    if whole:
        body = cached(
            ("geojson", selected.code, simplified),
            lambda: mapdata.geojson_bytes(features),
            version,
        )
    else:
        body = mapdata.geojson_bytes([f for f in features if filters.matches(f["properties"])])
    return cached_payload_response(
        request,
        body,
        GEOJSON,
        version,
        identity=_identity(request, selected, filters, simplified),
        keep_compressed=whole,
    )


def _full_features(phase: Phase) -> list[dict]:
    """The map's features with the full-precision polygons (kept once per process and data version)."""

    def build():
        geometries = dict(
            Territory.objects.filter(phase=phase).values_list("ti_id", "geometry").order_by()
        )
        return [
            {**f, "geometry": geometries.get(f["properties"]["id"])}
            for f in mapdata.phase_features(phase)
        ]

    return cached(("features-full", phase.code), build)


@router.get(
    "/territoires.csv",
    response={**BAD_REQUEST, **NOT_FOUND},
    summary="Territoires d'une phase (CSV)",
    url_name="territories_csv",
    openapi_extra=_body_only("text/csv", "Une ligne par territoire ; séparateur « ; »."),
)
def territories_csv(
    request,
    phase: str = PHASE_LATEST,
    region: str = REGION,
    departement: str = DEPARTEMENT,
    statut: str = STATUT,
):
    """Séparateur `;` et BOM UTF-8 (Excel) ; les noms à côté des codes ; un point intérieur
    (longitude, latitude) ; formules de tableur neutralisées. Mêmes filtres que `/territoires`."""
    selected, filters, version = resolve_phase(phase), _filters(request), territories_version()
    features = mapdata.filtered_features(selected, filters)
    body = mapdata.csv_text(features, settings.SITE_URL).encode()
    suffix = "".join(f"-{value}" for value in filters.as_params().values())
    return cached_payload_response(
        request,
        body,
        "text/csv; charset=utf-8",
        version,
        identity=_identity(request, selected, filters),
        filename=f"territoires-industrie-{selected.code}{suffix}.csv",
    )


def _link(urls: TerritoryUrls, territory: Territory, link) -> dict:
    return {
        **urls.ref({"phase": territory.phase_id, "id": territory.ti_id, "nom": territory.name}),
        "communes_partagees": link.shared_communes,
    }


def _axis(line) -> dict:
    return {
        "axe": line.axis,
        "libelle": line.label,
        "actions": line.actions,
        "realisees": line.realised,
        "en_retard": line.late,
        "cout_total": str(line.total_cost),
        "montant_sollicite": str(line.amount_requested),
        "montant_accorde": str(line.amount_granted),
        "montant_verse": str(line.amount_paid),
    }


def _plan(territory: Territory) -> dict | None:
    published = published_plan(territory)
    if published is None:
        return None
    summary = published.summary()
    return {
        "publie_le": published.published_at,
        "axes": [_axis(line) for line in summary.axes],
        "total": _axis(summary.total),
        "url": reverse("plans:public", args=[territory.phase_id, territory.ti_id]),
    }


def _area(area) -> dict | None:
    return {"code": area.code, "nom": area.name} if area else None


@router.get(
    "/territoires/{phase}/{ti_id}",
    response={200: TerritoryDetail, **BAD_REQUEST, **NOT_FOUND},
    summary="Un territoire : membres, communes, filiation, plan d'actions",
    url_name="territory",
)
def territory(request, phase: str, ti_id: str):
    """Le territoire `ti_id` de la phase `phase` : ses membres (EPCI, EPT, communes) tels que listés
    par l'ANCT, ses communes, ses prédécesseurs et successeurs (communes partagées), et le résumé par
    axe de son plan d'actions validé s'il en a un (ce que voit le public, actions confidentielles
    exclues). Montants en euros, écrits en texte décimal."""
    # Kept per data version (a phase import, a plan's publication): 12 queries, 31x the bare view
    # at 32 connections (80 requests/s for ti-1108), for an answer only those change.
    return kept(
        ("api.v1.territory", phase, ti_id), ("territories", "plans"), lambda: _detail(phase, ti_id)
    )


def _detail(phase: str, ti_id: str) -> dict:
    found = (
        Territory.objects.filter(phase_id=phase, ti_id=ti_id)
        .select_related("principal_region", "principal_departement")
        # Outlines unread, the territory's and its région's and département's (GeoJSON of up to a
        # few hundred kB each).
        .defer(
            "geometry",
            "geometry_simplified",
            "principal_region__geometry",
            "principal_departement__geometry",
        )
        .first()
    )
    if found is None:
        raise HttpError(404, f"Aucun territoire « {ti_id} » en phase « {phase} ».")
    urls = TerritoryUrls()
    return {
        "id": found.ti_id,
        "nom": found.name,
        "phase": found.phase_id,
        "statut": found.lineage_status,
        "statut_libelle": found.get_lineage_status_display() if found.lineage_status else "",
        "devenir": found.outcome_status,
        "population": found.population,
        "nombre_communes": found.commune_count,
        "region": _area(found.principal_region),
        "departement": _area(found.principal_departement),
        "regions": [_area(r) for r in found.regions.only("code", "name").order_by("code")],
        "departements": [
            _area(d) for d in found.departements.only("code", "name").order_by("code")
        ],
        "membres": [
            {
                "siren": m.siren,
                "nom": m.name,
                "type": m.kind,
                "nature_juridique": m.legal_nature,
                "population": m.population,
            }
            for m in territory_page.members(found)
        ],
        "communes": [
            {"code": c.code, "nom": c.name, "population": c.population, "epci": c.epci_id}
            for c in territory_page.communes(found)
        ],
        "predecesseurs": [
            _link(urls, link.predecessor, link)
            for link in territory_page.evolution(found).predecessors
        ],
        "successeurs": [
            _link(urls, link.successor, link) for link in territory_page.successors(found)
        ],
        "plan": _plan(found),
        "url": urls.url(found.phase_id, found.ti_id),
    }


@router.get(
    "/territoires/{phase}/{ti_id}/carte.geojson",
    response={**BAD_REQUEST, **NOT_FOUND},
    summary="Contour d'un territoire et évolution",
    url_name="territory_map",
    openapi_extra=_body_only(GEOJSON, "Le territoire, et ses parties ajout / retrait."),
)
def territory_map(request, phase: str, ti_id: str):
    """Le contour du territoire, et ses parties `ajout` / `retrait` par rapport à la phase précédente."""
    found = Territory.objects.filter(phase_id=phase, ti_id=ti_id).first()
    if found is None:
        raise HttpError(404, f"Aucun territoire « {ti_id} » en phase « {phase} ».")
    body = orjson.dumps(territory_page.map_features(found))
    return cached_payload_response(
        request, body, GEOJSON, territories_version(), identity=request.path
    )


@router.get(
    "/contours/{niveau}.geojson",
    response={**BAD_REQUEST, **NOT_FOUND},
    summary="Limites des régions ou des départements",
    url_name="outlines",
    openapi_extra=_body_only(GEOJSON, "Limites (lignes) simplifiées."),
)
def outlines(request, niveau: str):
    """`niveau` : `regions` ou `departements`."""
    try:
        body = mapdata.outlines_bytes(niveau)
    except mapdata.FilterError as error:
        raise HttpError(404, str(error)) from error
    return cached_payload_response(
        request, body, GEOJSON, territories_version(), identity=request.path, keep_compressed=True
    )


@router.get(
    "/recherche",
    response={200: SearchAnswer, 400: Error},
    summary="Recherche (autocomplétion)",
    url_name="search",
)
def search(
    request,
    q: str = param("Ce que la personne a tapé.", "meaux"),
    limite: str = param("Nombre de résultats (10 par défaut, au plus 50)."),
):
    """Communes (nom, code INSEE, code postal), intercommunalités (nom, SIREN), départements,
    régions, territoires. `limite` : 10 par défaut, au plus 50."""
    limit = min(positive_int("limite", limite, search_service.MAX_RESULTS), 50)
    return {
        "requete": q,
        "resultats": [entry.as_dict() for entry in search_service.search(q, limit)],
    }
