"""Figures (API v1): the same numbers as ``territoires stats``, from the one stats service."""

from __future__ import annotations

import orjson
from django.http import HttpResponse
from ninja import Router

from stats.definitions import DEFINITIONS, counts_definition
from stats.services.keep import kept
from stats.services.territories import (
    BY_CHOICES,
    MODE_CHOICES,
    phase_key_figures,
    territory_counts,
)

from .base import BAD_REQUEST, NOT_FOUND, PHASE_LATEST, choice, param, resolve_phase
from .schemas import KeyFigures, StatsRow

router = Router(tags=["Chiffres"])

STATS_DESCRIPTION = (
    "Une ligne par région (`par=region`, défaut) ou par département (`par=departement`), dans "
    "l'ordre des codes, y compris celles sans territoire (0) : `code`, `nom`, `nombre`, "
    "`territoires` (`id`, `nom`). Exactement la sortie de `territoires stats --by … --mode … "
    "--format json`. `phase` vide : la plus récente.\n\n"
    f"- `mode=principal` (défaut) : {counts_definition('principal')}\n"
    f"- `mode=touching` : {counts_definition('touching')}"
)

KEY_FIGURES_DESCRIPTION = (
    "Territoires, communes et population couverts, régions et départements touchés ; `phase` vide : la plus récente.\n\n"
    + "\n".join(
        f"- `{name}` : {DEFINITIONS[name]}"
        for name in ("territoires", "communes", "population", "regions", "departements")
    )
)


@router.get(
    "/stats",
    response={200: list[StatsRow], **BAD_REQUEST, **NOT_FOUND},
    summary="Nombre de territoires par région ou par département",
    url_name="stats",
    description=STATS_DESCRIPTION,
)
def stats(
    request,
    phase: str = PHASE_LATEST,
    par: str = param("region (défaut) ou departement.", "departement"),
    mode: str = param("principal (défaut) ou touching.", "touching"),
):
    selected = resolve_phase(phase)
    by = choice("par", par, BY_CHOICES, "region")
    how = choice("mode", mode, MODE_CHOICES, "principal")
    # The JSON kept per data version, as written: 7 ms in one process but 14-18x the bare view at
    # 32 connections, most of it the per-request checking and rendering of ~100 rows holding
    # ~1,000 territories, which only a new import of the phases changes. The rows have exactly
    # StatsRow's fields, in its order: the bytes are those ninja would write.
    body = kept(
        ("api.v1.stats", selected.code, by, how),
        ("territories",),
        lambda: orjson.dumps(territory_counts(selected, by, how)),
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get(
    "/stats/chiffres-cles",
    response={200: KeyFigures, **BAD_REQUEST, **NOT_FOUND},
    summary="Chiffres clés d'une phase",
    url_name="key_figures",
    description=KEY_FIGURES_DESCRIPTION,
)
def key_figures(request, phase: str = PHASE_LATEST):
    selected = resolve_phase(phase)
    figures = phase_key_figures(selected)
    return {
        "phase": selected.code,
        **figures,
        "definitions": {name: DEFINITIONS[name] for name in figures},
    }
