"""What every operation of API v1 shares: the NinjaAPI, its renderer, phases, parameters, pages.

Parameters are read as text and checked here, so that a wrong value gets a French message saying
what was expected (ninja's own validation messages are in English).
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from urllib.parse import urlencode

import orjson
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from ninja import NinjaAPI, Query, Swagger
from ninja.errors import HttpError
from ninja.renderers import BaseRenderer

from core.imports import quote
from territories.models import Phase

from .schemas import Error

# Error answers every operation may give (declared in the schema, with the French ``detail``).
BAD_REQUEST = {400: Error}
NOT_FOUND = {404: Error}

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

DESCRIPTION = """API publique et ouverte des Territoires d'industrie : phases, territoires (liste,
fiche, GeoJSON, CSV), « dans quel territoire est cette commune ou ce point ? », chiffres par région et
département, actions publiques des plans validés.

Lecture sans inscription ni jeton. Données sous [Licence Ouverte 2.0](https://www.etalab.gouv.fr/licence-ouverte-open-licence/).
Écriture (plans d'actions, demandes de service, demandes de contact) : avec un jeton personnel créé dans
« Mon espace » (`Authorization: Bearer …`), avec les droits de la personne.
Erreurs : un code HTTP 4xx et `{"detail": "…"}` en français. Documentation : `docs/api.md`.
Les anciennes adresses `/api/…` (sans `v1`) redirigent ici pendant une version (301, ou 308 hors GET)."""


def param(description: str, example: str | None = None):
    """A text query parameter, empty by default, described in the schema (checked by the view).

    The example goes in the description: ninja would copy ``examples`` onto the parameter itself,
    where OpenAPI expects a map of Example objects, not a list."""
    return Query(
        "", description=f"{description} Par exemple : {example}." if example else description
    )


PHASE_LATEST = param("Code de la phase ; vide : la plus récente.", "2023-2027")
PHASE_ALL = param("Code de la phase ; vide : toutes.", "2023-2027")
REGION = param("Code INSEE d'une région : territoires qui la touchent.", "11")
DEPARTEMENT = param("Code d'un département : territoires qui le touchent.", "77")
STATUT = param(
    "Statut par rapport à la phase précédente : nouveau, reconduit, etendu, reduit, recompose."
)
PAGE = param("Numéro de page (1 par défaut).")
TAILLE = param(f"Résultats par page ({DEFAULT_PAGE_SIZE} par défaut, au plus {MAX_PAGE_SIZE}).")


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data)


class CachedSchemaAPI(NinjaAPI):
    """Builds its OpenAPI schema once per process and root path: ninja rebuilds it on every request
    of ``openapi.json`` (0.4-0.6 s measured, 77-115x the bare view at 32 connections), though it
    depends on the code only, never on the data."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemas = self.__dict__.setdefault("_schemas", {})
        if path_prefix not in schemas:
            schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return schemas[path_prefix]


class LocalSwagger(Swagger):
    """Swagger UI from ninja's own files served here (settings.NINJA_FILES: its template among the
    templates' DIRS, its scripts in STATIC_PICKED): same origin, no inline script, so the site's
    Content-Security-Policy allows it unchanged. ninja renders this template itself only when "ninja"
    is an installed app, and otherwise the one loading Swagger UI from a CDN (``template_cdn``): it
    is not one (config/settings.py says why), so the local template takes that place."""

    template_cdn = str(Path(Swagger.template_cdn).with_name("swagger.html"))


api = CachedSchemaAPI(
    title="API publique Territoires d'industrie",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=ORJSONRenderer(),
    # No validator badge: Swagger UI would fetch it from validator.swagger.io.
    docs=LocalSwagger(settings={"defaultModelsExpandDepth": 0, "validatorUrl": None}),
    docs_url="/docs",
)


def refuse_nul_characters(view):
    """A NUL character in the address is refused with a 400, before any query: PostgreSQL refuses
    it in a string ("A string literal cannot contain NUL"), which would otherwise answer 500."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if "\x00" in request.path or any("\x00" in v for v in request.GET.values()):
            raise HttpError(400, "Caractère nul (%00) refusé dans l'adresse.")
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_nul_characters)


def latest_phase() -> Phase:
    phase = Phase.objects.order_by("-number").first()
    if phase is None:
        raise HttpError(404, "Aucune phase n'est encore importée.")
    return phase


def resolve_phase(code: str | None) -> Phase:
    """The phase named by ``code``; the latest one when no code is given."""
    if not code:
        return latest_phase()
    phase = Phase.objects.filter(code=code).first() if "\x00" not in code else None
    if phase is None:
        expected = ", ".join(Phase.objects.order_by("number").values_list("code", flat=True))
        raise HttpError(400, f"Phase « {quote(code)} » inconnue : attendu l'une de {expected}.")
    return phase


def optional_phase(code: str | None) -> Phase | None:
    """The phase named by ``code``, or None (every phase) when no code is given."""
    return resolve_phase(code) if code else None


def choice(name: str, value: str, choices: tuple[str, ...], default: str) -> str:
    value = value or default
    if value not in choices:
        raise HttpError(
            400,
            f"Paramètre {name} : « {quote(value)} » inconnu : attendu l'un de {', '.join(choices)}.",
        )
    return value


def parse_coordinate(name: str, value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # « 1e400 » is inf for float(): no number of degrees either
        raise HttpError(
            400,
            f"Paramètre {name} : « {quote(value)} » n'est pas un nombre (degrés WGS 84, par exemple 2.88).",
        )
    return number


def positive_int(name: str, value: str, default: int, maximum: int | None = None) -> int:
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise HttpError(400, f"Paramètre {name} : « {quote(value)} » : attendu un entier positif.")
    number = int(value)
    if maximum is not None and number > maximum:
        raise HttpError(400, f"Paramètre {name} : au plus {maximum} ({number} demandé).")
    return number


def paginate(request: HttpRequest, items: list, page: str, taille: str) -> dict:
    """One page of ``items`` with the addresses of its neighbours (same query, other page)."""
    size = positive_int("taille", taille, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = positive_int("page", page, 1)
    pages = max(1, math.ceil(len(items) / size))
    if number > pages:
        raise HttpError(404, f"Page {number} inexistante : il y a {pages} page(s).")

    def link(target: int) -> str | None:
        if not 1 <= target <= pages or target == number:
            return None
        params = {k: v for k, v in request.GET.items() if k != "page"}
        return f"{request.path}?{urlencode({**params, 'page': target})}"

    return {
        "nombre": len(items),
        "page": number,
        "pages": pages,
        "taille": size,
        "suivante": link(number + 1),
        "precedente": link(number - 1),
        "resultats": items[(number - 1) * size : number * size],
    }


@functools.lru_cache(maxsize=8)
def _territory_url_template(script_prefix: str) -> str:
    """The territory page's address with placeholders, per script prefix (what ``reverse`` adds in
    front): one ``reverse`` per process, not one per answer (~30 us of a look-up at a new point)."""
    # The phase's pattern is \d{4}-\d{4}: reverse with placeholders that fit it.
    return reverse("public:territory", args=["0000-0000", "TIID"])


class TerritoryUrls:
    """Public page addresses of territories, from one ``reverse`` (10,000 reverses take ~0.3 s)."""

    def __init__(self):
        self.template = _territory_url_template(get_script_prefix())
        self.refs: dict[tuple[str, str], dict] = {}

    def url(self, phase: str, ti_id: str) -> str:
        return self.template.replace("0000-0000", phase, 1).replace("TIID", ti_id, 1)

    def ref(self, ref: dict) -> dict:
        """``ref`` (phase, id, nom, …) with its ``url``; one dict per territory, shared in a batch."""
        key = (ref["phase"], ref["id"], ref.get("distance_km"))
        found = self.refs.get(key)
        if found is None:
            # The schema's order (TerritoryRef, then NearTerritory's distance): an answer written
            # by orjson without ninja's validation (api/v1/lookup.py ``_written``) has the same bytes.
            found = {k: v for k, v in ref.items() if k != "distance_km"}
            found["url"] = self.url(ref["phase"], ref["id"])
            if "distance_km" in ref:
                found["distance_km"] = ref["distance_km"]
            self.refs[key] = found
        return found
