"""Which territories hold a commune or a point: one at a time, or up to 10,000 per call (API v1).

The answers are those of ``territoires lookup --commune`` / ``--point --format json`` with the public
page's ``url`` added to each territory.
"""

from __future__ import annotations

import orjson
from django.http import HttpResponse
from ninja import Router, Status
from ninja.errors import HttpError

from public.services.versioning import cached, territories_version
from territories.models import Phase
from territories.services import batch_lookup, spatial

from .base import (
    PHASE_ALL,
    PHASE_LATEST,
    TerritoryUrls,
    optional_phase,
    param,
    parse_coordinate,
    resolve_phase,
)
from .schemas import (
    BatchAnswer,
    CommuneAnswer,
    Error,
    LookupErrorOut,
    PointAnswer,
    PointOnePhase,
)

router = Router(tags=["Recherche d'un territoire"])

MAX_ITEMS = batch_lookup.MAX_ITEMS
# 10,000 points written as [-61.5342,16.2411] with spaces take ~300 KB; names are shorter.
MAX_BODY_BYTES = 2 * 1024 * 1024


def _phases(phase: Phase | None) -> list[Phase]:
    """``[phase]``, or every phase: kept per territories' version (a look-up at a point no cache has
    seen read them at each call, ~a quarter of its time with the data version's read, profiled)."""
    if phase:
        return [phase]
    return cached(
        "api-lookup-phases", lambda: list(Phase.objects.order_by("number")), territories_version()
    )


def _with_urls(answer: dict, urls: TerritoryUrls) -> dict:
    for key in ("territoires", "plus_proches"):
        if answer.get(key) is not None:
            answer[key] = [urls.ref(ref) for ref in answer[key]]
    return answer


def _point_answer(lon: float, lat: float, phases: list[Phase], urls: TerritoryUrls) -> dict:
    return _with_urls(spatial.point_lookup_phases(lon, lat, phases), urls)


def _written(answer: dict) -> HttpResponse:
    """A point's answer written by orjson, not validated by ninja against the declared schema: the
    same bytes (its dicts are built in the schema's order, ``TerritoryUrls.ref``; the tests validate
    such answers against the schema), ~0.1 ms less of a look-up at a new point, where ninja tries the
    union ``CommuneAnswer | PointAnswer`` member by member (profiled, docs/performance.md)."""
    return HttpResponse(orjson.dumps(answer), content_type="application/json; charset=utf-8")


@router.get(
    "/lookup",
    response={200: CommuneAnswer | PointAnswer, 400: Error, 404: LookupErrorOut},
    summary="Dans quel territoire est cette commune, ou ce point ?",
    url_name="lookup",
)
def lookup_one(
    request,
    commune: str = param("Code INSEE, SIREN ou nom exact d'une commune.", "77284"),
    lon: str = param("Longitude en degrés WGS 84 (avec lat).", "2.878"),
    lat: str = param("Latitude en degrés WGS 84 (avec lon).", "48.96"),
    phase: str = PHASE_ALL,
):
    """Soit `commune` (code INSEE, code d'une commune fusionnée depuis, SIREN ou nom exact, accents
    et majuscules ignorés), soit `lon` et `lat` (degrés WGS 84). Toutes les phases, sauf `phase=`.

    Pour une commune : la commune (EPCI, EPT, département, région, population, codes postaux) et ses
    territoires ; `ancien_code`/`ancien_nom` nomment la commune demandée si elle a fusionné depuis.
    Pour un point : les territoires qui le contiennent et, pour chaque phase où aucun ne le contient,
    le plus proche avec sa distance en km. 404 si la commune est inconnue ou homonyme (`candidats`)."""
    selected = optional_phase(phase)
    if commune and (lon or lat):
        raise HttpError(400, "Indiquez soit commune, soit lon et lat, pas les deux.")
    if not commune:
        if not (lon and lat):
            raise HttpError(
                400, "Indiquez commune (code INSEE ou nom), ou lon et lat (degrés WGS 84)."
            )
        x, y = parse_coordinate("lon", lon), parse_coordinate("lat", lat)
        try:
            return _written(_point_answer(x, y, _phases(selected), TerritoryUrls()))
        except ValueError as error:
            raise HttpError(400, str(error)) from error
    # Answered from the batch's in-memory index (one small query for its version) rather than by
    # ``lookup.commune_lookup`` (three queries, 10-13x the bare view at 32 connections): the same
    # JSON to the letter (territories/tests compare the two).
    answer = batch_lookup.commune_lookups([commune], selected)[0]
    del answer["requete"]
    if "erreur" in answer:
        return Status(404, {"detail": answer["erreur"], "candidats": answer["candidats"]})
    return _with_urls(answer, TerritoryUrls())


@router.get(
    "/point",
    response={200: PointOnePhase, 400: Error, 404: Error},
    summary="Quel territoire en ce point ? (une phase ; utilisé par la carte)",
    url_name="point",
)
def point(
    request,
    lon: str = param("Longitude en degrés WGS 84.", "2.878"),
    lat: str = param("Latitude en degrés WGS 84.", "48.96"),
    phase: str = PHASE_LATEST,
):
    """Territoires de la phase (la plus récente par défaut) contenant le point ; sinon
    `plus_proche` et sa distance en km. Préférez `/lookup?lon=&lat=` (toutes les phases)."""
    if not (lon and lat):
        raise HttpError(400, "Indiquez lon et lat (degrés WGS 84, par exemple lon=2.88&lat=48.96).")
    every = [] if phase else _phases(None)
    if not phase and not every:
        raise HttpError(404, "Aucune phase n'est encore importée.")
    selected = resolve_phase(phase) if phase else every[-1]  # the latest, as resolve_phase("")
    try:
        result = spatial.point_lookup(
            parse_coordinate("lon", lon), parse_coordinate("lat", lat), selected
        )
    except ValueError as error:
        raise HttpError(400, str(error)) from error
    urls = TerritoryUrls()
    result["territoires"] = [urls.ref(t) for t in result["territoires"]]
    if result["plus_proche"]:
        result["plus_proche"] = urls.ref(result["plus_proche"])
    return _written(result)


BATCH_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "communes": {
                        "type": "array",
                        "maxItems": MAX_ITEMS,
                        "items": {"type": "string"},
                        "description": "Codes INSEE, SIREN ou noms exacts.",
                    },
                    "points": {
                        "type": "array",
                        "maxItems": MAX_ITEMS,
                        "items": {
                            "type": "array",
                            "items": {"type": "number"},
                            "minItems": 2,
                            "maxItems": 2,
                        },
                        "description": "Points [longitude, latitude] en degrés WGS 84.",
                    },
                    "phase": {"type": "string", "description": "Une seule phase (toutes sinon)."},
                },
                "example": {"communes": ["77284", "Romilly-sur-Seine", "02311"]},
            }
        }
    },
}


def _refuse(message: str) -> HttpError:
    return HttpError(400, message)


def _read_batch(request) -> tuple[str, list, Phase | None]:
    """(kind, items, phase) from the body, or a French 400 saying what was expected."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        raise HttpError(413, f"Corps trop gros : au plus {MAX_BODY_BYTES // 1024} Ko.")
    try:
        body = orjson.loads(request.body or b"null")
    except orjson.JSONDecodeError as error:
        # orjson's own message is English ("unexpected character"): only its position is kept.
        raise _refuse(
            f"Le corps n'est pas du JSON valide (ligne {error.lineno}, colonne {error.colno})."
        ) from error
    expected = 'attendu {"communes": ["77284", …]} ou {"points": [[2.878, 48.96], …]}'
    if not isinstance(body, dict):
        raise _refuse(f"Corps illisible : {expected}.")
    kinds = [kind for kind in ("communes", "points") if kind in body]
    if len(kinds) != 1:
        raise _refuse(f"Indiquez soit communes, soit points : {expected}.")
    unknown = set(body) - {"communes", "points", "phase"}
    if unknown:
        raise _refuse(f"Champ(s) inconnu(s) : {', '.join(sorted(unknown))} ; {expected}.")
    phase = body.get("phase") or ""
    if not isinstance(phase, str):
        raise _refuse("phase : attendu un code de phase, par exemple 2023-2027.")
    kind, items = kinds[0], body[kinds[0]]
    if not isinstance(items, list):
        raise _refuse(f"{kind} : attendu une liste ; {expected}.")
    if len(items) > MAX_ITEMS:
        raise _refuse(f"{kind} : au plus {MAX_ITEMS} éléments par appel ({len(items)} reçus).")
    for position, item in enumerate(items, start=1):
        if kind == "communes" and not isinstance(item, str):
            raise _refuse(f"communes, élément {position} : attendu un texte (code INSEE ou nom).")
        if kind == "points" and not (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in item)
        ):
            raise _refuse(
                f"points, élément {position} : attendu [longitude, latitude], par exemple [2.878, 48.96]."
            )
    return kind, items, optional_phase(phase)


@router.post(
    "/lookup/batch",
    response={200: BatchAnswer, 400: Error, 413: Error},
    summary="Dans quels territoires sont ces communes, ou ces points ? (jusqu'à 10 000)",
    url_name="lookup_batch",
    openapi_extra={"requestBody": BATCH_BODY},
)
def lookup_batch(request):
    """Corps JSON : `{"communes": [...]}` ou `{"points": [[lon, lat], ...]}`, et `phase` facultative ;
    au plus 10 000 éléments. Réponse : `resultats`, un par élément dans l'ordre, chacun avec
    `requete` (l'élément envoyé) et la réponse de `GET /lookup`, ou `erreur` (et `candidats` pour
    une commune homonyme). Un élément introuvable ne fait pas échouer l'appel."""
    kind, items, phase = _read_batch(request)
    urls = TerritoryUrls()
    if kind == "communes":
        results = [
            _with_urls(answer, urls) for answer in batch_lookup.commune_lookups(items, phase)
        ]
    else:
        # In bulk, through batch tagging's path (territories/services/spatial.py): the answers of
        # GET /lookup?lon=&lat= point by point, ~0.6 s per phase for 10,000 points in France.
        points = [(float(lon), float(lat)) for lon, lat in items]
        answers = spatial.points_lookup_phases(points, _phases(phase))
        results = [
            {"requete": [lon, lat], **_with_urls(answer, urls)}
            for (lon, lat), answer in zip(items, answers, strict=True)
        ]
    # Returned as bytes: 10,000 answers through the response schema's validation would take longer
    # than the look-ups themselves; the schema stays in the documentation (and schemathesis checks it).
    return HttpResponse(orjson.dumps({"resultats": results}), content_type="application/json")
