"""The public, read-only JSON API (django-ninja), mounted at /api/. Described in docs/public-site.md.

Parameters are read as text and checked here, so that a wrong value gets a French message saying
what was expected (ninja's own validation messages are in English).
"""

from __future__ import annotations

import math

import orjson
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.renderers import BaseRenderer

from public.services import mapdata, territory_page
from public.services import search as search_service
from public.services.versioning import cached, data_version
from territories.models import Phase, Territory
from territories.services import lookup, spatial

from .responses import cached_payload_response

GEOJSON = "application/geo+json"


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data)


api = NinjaAPI(
    title="API publique Territoires d'industrie",
    version="1",
    urls_namespace="api",
    renderer=ORJSONRenderer(),
    docs_url=None,  # the Swagger page loads scripts from a CDN: not offline, not allowed by the CSP
)


def resolve_phase(code: str | None) -> Phase:
    """The phase named by ``code``; the latest one when no code is given."""
    if not code:
        phase = Phase.objects.order_by("-number").first()
        if phase is None:
            raise HttpError(404, "Aucune phase n'est encore importée.")
        return phase
    phase = Phase.objects.filter(code=code).first()
    if phase is None:
        expected = ", ".join(Phase.objects.order_by("number").values_list("code", flat=True))
        raise HttpError(400, f"Phase « {code} » inconnue : attendu l'une de {expected}.")
    return phase


def _filters(request: HttpRequest) -> mapdata.MapFilters:
    try:
        return mapdata.MapFilters.from_params(request.GET)
    except mapdata.FilterError as error:
        raise HttpError(400, str(error)) from error


def _identity(request: HttpRequest, phase: Phase, filters: mapdata.MapFilters) -> str:
    return f"{request.path}|{phase.code}|{sorted(filters.as_params().items())}"


@api.get("/recherche", summary="Recherche (autocomplétion)", url_name="search")
def search(request, q: str = "", limite: int = search_service.MAX_RESULTS):
    """Communes (nom, code INSEE, code postal), intercommunalités (nom, SIREN), départements, régions, territoires."""
    limit = max(1, min(limite, 50))
    return {
        "requete": q,
        "resultats": [entry.as_dict() for entry in search_service.search(q, limit)],
    }


@api.get(
    "/territoires.geojson",
    summary="Territoires d'une phase (GeoJSON simplifié)",
    url_name="territories_geojson",
)
def territories_geojson(
    request, phase: str = "", region: str = "", departement: str = "", statut: str = ""
):
    selected, filters, version = resolve_phase(phase), _filters(request), data_version()
    if filters == mapdata.MapFilters():
        body = cached(
            ("geojson", selected.code),
            lambda: mapdata.geojson_bytes(mapdata.phase_features(selected)),
            version,
        )
    else:
        body = mapdata.geojson_bytes(mapdata.filtered_features(selected, filters))
    return cached_payload_response(
        request,
        body,
        GEOJSON,
        version,
        identity=_identity(request, selected, filters),
        keep_compressed=filters == mapdata.MapFilters(),
    )


@api.get("/territoires.csv", summary="Territoires d'une phase (CSV)", url_name="territories_csv")
def territories_csv(
    request, phase: str = "", region: str = "", departement: str = "", statut: str = ""
):
    selected, filters, version = resolve_phase(phase), _filters(request), data_version()
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


@api.get(
    "/contours/{niveau}.geojson",
    summary="Limites des régions ou des départements",
    url_name="outlines",
)
def outlines(request, niveau: str):
    try:
        body = mapdata.outlines_bytes(niveau)
    except mapdata.FilterError as error:
        raise HttpError(404, str(error)) from error
    return cached_payload_response(
        request, body, GEOJSON, data_version(), identity=request.path, keep_compressed=True
    )


@api.get(
    "/territoires/{phase}/{ti_id}/carte.geojson",
    summary="Contour d'un territoire et évolution",
    url_name="territory_map",
)
def territory_map(request, phase: str, ti_id: str):
    territory = get_object_or_404(Territory, phase_id=phase, ti_id=ti_id)
    body = orjson.dumps(territory_page.map_features(territory))
    return cached_payload_response(request, body, GEOJSON, data_version(), identity=request.path)


def _parse_coordinate(name: str, value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if math.isnan(number):
        raise HttpError(
            400,
            f"Paramètre {name} : « {value} » n'est pas un nombre (degrés WGS 84, par exemple 2.88).",
        )
    return number


@api.get("/point", summary="Quel territoire en ce point ?", url_name="point")
def point(request, lon: str, lat: str, phase: str = ""):
    """Territoires contenant le point ; sinon le plus proche et sa distance en km."""
    selected = resolve_phase(phase)
    try:
        result = spatial.point_lookup(
            _parse_coordinate("lon", lon), _parse_coordinate("lat", lat), selected
        )
    except ValueError as error:
        raise HttpError(400, str(error)) from error
    for item in result["territoires"] + ([result["plus_proche"]] if result["plus_proche"] else []):
        item["url"] = reverse("public:territory", args=[item["phase"], item["id"]])
    return result


@api.get("/communes/{code}", summary="Territoires d'une commune", url_name="commune")
def commune(request, code: str, phase: str = ""):
    selected = resolve_phase(phase) if phase else None
    try:
        return lookup.commune_lookup(code, selected)
    except lookup.LookupError as error:
        raise HttpError(404, str(error)) from error
