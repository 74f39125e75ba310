"""Point lookups over territory polygons: one point (``territoires lookup --point``, the API's
``/lookup?lon=&lat=`` and ``/point``) or up to 10,000 at once (the API's ``lookup/batch``).

Both go through the bulk path of batch tagging (``territories.services.tagging.spatial.PointTagger``:
an STRtree on the points queried with the prepared full-precision polygons, and the nearest contour
measured in km on the polygons' segments), so that one point asked alone, in a batch or in a tagged
file gets the same territories and the same nearest one. The tagger of a phase is built once per
process and rebuilt when the phase is re-imported (its ``imported_at`` changes): ~0.75 s for the 183
polygons of 2023-2027 (measured on the shared 2-core machine); 10,000 random points in France then
take ~0.6 s per phase, one point well under a millisecond.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from territories.models import Phase
from territories.services.tagging.points import polygons
from territories.services.tagging.spatial import PointTagger, valid_mask

MAX_POINTS = 10_000


@dataclass
class PhaseTagger:
    version: object
    tagger: PointTagger
    territories: list[dict]  # {"phase", "id", "nom"} in the tagger's polygon order


_taggers: dict[str, PhaseTagger] = {}
_lock = threading.Lock()


def tagger_for(phase: Phase) -> PhaseTagger:
    with _lock:
        entry = _taggers.get(phase.code)
        if entry is None or entry.version != phase.imported_at:
            labels, territory_wkb, region_wkb = polygons(phase)
            entry = _taggers[phase.code] = PhaseTagger(
                phase.imported_at,
                PointTagger(territory_wkb, region_wkb),
                [{"phase": phase.code, "id": ti_id, "nom": name} for ti_id, name in labels],
            )
        return entry


def validate_point(lon: float, lat: float) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or any(map(math.isnan, (lon, lat))):
        raise ValueError(
            f"Coordonnées hors limites : longitude {lon}, latitude {lat} (attendu : longitude entre "
            f"-180 et 180, latitude entre -90 et 90, en degrés WGS 84)."
        )


def points_lookup(lon: np.ndarray, lat: np.ndarray, phase: Phase) -> list[dict]:
    """For valid points (``valid_mask``), in order: ``{"territoires": [...], "plus_proche": ...}``,
    the territories of ``phase`` holding the point (by identifier) or, when none does, the nearest one
    and its distance in km (a point far out at sea or abroad too: the batch tagging's « hors de
    France » is not a lookup's answer)."""
    entry = tagger_for(phase)
    territories = entry.territories
    found: list[list[dict]] = [[] for _ in range(len(lon))]
    if not territories or not len(lon):
        return [{"territoires": [], "plus_proche": None} for _ in found]
    result = entry.tagger.tag(lon, lat)
    # pairs: sorted by point, then territory (ti_id order): each point's list is in identifier order.
    for point, territory in zip(*result["pairs"].tolist(), strict=True):
        found[point].append(territories[territory])
    nearest, distance = result["nearest"], result["distance_km"]
    abroad = np.flatnonzero(result["outside_france"])
    if len(abroad):
        nearest[abroad], distance[abroad] = entry.tagger.territory_segments.nearest_km(
            lon[abroad], lat[abroad]
        )
    nearest, distance = nearest.tolist(), distance.tolist()
    return [
        {
            "territoires": inside,
            "plus_proche": None
            if inside
            else {**territories[nearest[i]], "distance_km": round(distance[i], 1)},
        }
        for i, inside in enumerate(found)
    ]


def point_lookup(lon: float, lat: float, phase: Phase) -> dict:
    """Territories of ``phase`` containing the point; when none, the nearest one and its distance in km."""
    validate_point(lon, lat)
    answer = points_lookup(np.array([lon], dtype=float), np.array([lat], dtype=float), phase)[0]
    return {"phase": phase.code, **answer}


def _phases_answer(lon: float, lat: float, per_phase: list[dict]) -> dict:
    return {
        "point": {"longitude": lon, "latitude": lat},
        "territoires": [t for r in per_phase for t in r["territoires"]],
        "plus_proches": [r["plus_proche"] for r in per_phase if r["plus_proche"]],
    }


def point_lookup_phases(lon: float, lat: float, phases: list[Phase]) -> dict:
    """The stable JSON answer of ``territoires lookup --point`` (and of the API): the territories of
    every phase in ``phases`` containing the point, and, for each phase where none does, the nearest."""
    return _phases_answer(lon, lat, [point_lookup(lon, lat, phase) for phase in phases])


def points_lookup_phases(points: list[tuple[float, float]], phases: list[Phase]) -> list[dict]:
    """``point_lookup_phases`` for each point, in order, in bulk (at most MAX_POINTS); a point out of
    bounds gets ``{"erreur": ...}`` (the message of ``validate_point``) instead."""
    if len(points) > MAX_POINTS:
        raise ValueError(f"Au plus {MAX_POINTS} points par appel ({len(points)} reçus).")
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    valid = valid_mask(lon, lat)
    per_phase = [points_lookup(lon[valid], lat[valid], phase) for phase in phases]
    answers, position = [], 0
    for (x, y), ok in zip(points, valid.tolist(), strict=True):
        if not ok:
            try:
                validate_point(x, y)
                message = f"Coordonnées invalides : longitude {x}, latitude {y}."
            except ValueError as error:
                message = str(error)
            answers.append({"erreur": message})
            continue
        answers.append(_phases_answer(x, y, [answers_[position] for answers_ in per_phase]))
        position += 1
    return answers
