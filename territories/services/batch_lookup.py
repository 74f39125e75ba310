"""Many commune lookups at once (the API's ``lookup/batch``): the answers of ``lookup.commune_lookup``
read from an in-memory index instead of three queries per commune.

The index (every current commune's JSON, and the territories of every phase by commune) is built once
per process and version of the imported phases (~1 s for 35,000 communes), like the point index of
``spatial``; a batch of 10,000 communes is then dictionary look-ups only. The answers are those of
``commune_lookup`` to the letter (same messages, same former-commune handling): a test compares them.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from core.imports import quote
from geo import cog
from geo.models import Commune
from geo.text import normalize_search
from territories.models import Phase, Territory, TerritoryCommune
from territories.services import lookup

MAX_ITEMS = 10_000


@dataclass
class CommuneIndex:
    version: tuple
    communes: dict[str, dict] = field(default_factory=dict)  # code -> the "commune" JSON
    departement_names: dict[str, str] = field(default_factory=dict)  # code -> its département
    by_siren: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)  # normalised name -> codes
    # code -> [(phase number, territory ref)] in phase then identifier order
    territories: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)


_index: CommuneIndex | None = None
_lock = threading.Lock()


def _version() -> tuple:
    return tuple(Phase.objects.order_by("number").values_list("code", "imported_at"))


def _build(version: tuple) -> CommuneIndex:
    index = CommuneIndex(version)
    communes = Commune.objects.select_related("departement", "region", "epci", "ept").defer(
        "departement__geometry", "region__geometry"
    )
    by_name: dict[str, list[str]] = defaultdict(list)
    for commune in communes.order_by("code").iterator(chunk_size=5000):
        index.communes[commune.code] = {
            "code": commune.code,
            "nom": commune.name,
            "epci": lookup._groupement(commune.epci),
            "ept": lookup._groupement(commune.ept),
            "departement": lookup._area(commune.departement),
            "region": lookup._area(commune.region),
            "population": commune.population,
            "codes_postaux": commune.postcodes,
        }
        index.departement_names[commune.code] = commune.departement.name
        if commune.siren:
            index.by_siren.setdefault(commune.siren, commune.code)
        by_name[commune.search_name].append(commune.code)
    index.by_name = dict(by_name)
    territories: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    rows = TerritoryCommune.objects.values_list(
        "commune_id", "territory__phase__number", "territory__phase_id", "territory__ti_id"
    ).order_by("territory__phase__number", "territory__ti_id")
    refs: dict[tuple[str, str], dict] = {}
    names = {
        (phase, ti_id): name
        for phase, ti_id, name in Territory.objects.values_list("phase_id", "ti_id", "name")
    }
    for code, number, phase, ti_id in rows:
        ref = refs.get((phase, ti_id))
        if ref is None:
            ref = refs[(phase, ti_id)] = {"phase": phase, "id": ti_id, "nom": names[(phase, ti_id)]}
        territories[code].append((number, ref))
    index.territories = dict(territories)
    return index


def commune_index() -> CommuneIndex:
    global _index
    version = _version()
    with _lock:
        if _index is None or _index.version != version:
            _index = _build(version)
        return _index


def clear() -> None:
    """Forget the index (tests that change communes or territories without re-importing a phase)."""
    global _index
    with _lock:
        _index = None


def _find(index: CommuneIndex, query: str) -> str:
    """The code ``lookup.find_commune`` would find, or its LookupError."""
    text = (query or "").strip()
    if not text:
        raise lookup.LookupError("Indiquez le nom ou le code INSEE d'une commune.")
    if len(text) == 5 and text[:2].isalnum() and text[2:].isdigit():
        code = text.upper()
        if code not in index.communes:
            code = cog.load_vintage(cog.CURRENT_VINTAGE).former_codes.get(code)
        if code not in index.communes:
            raise lookup.LookupError(f"Aucune commune n'a le code INSEE « {quote(text)} ».")
        return code
    if len(text) == 9 and text.isdigit():
        if text not in index.by_siren:
            raise lookup.LookupError(f"Aucune commune n'a le SIREN « {quote(text)} ».")
        return index.by_siren[text]
    matches = index.by_name.get(normalize_search(text), [])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise lookup.LookupError(f"Aucune commune ne s'appelle « {quote(text)} ».")
    raise lookup.LookupError(
        f"{len(matches)} communes s'appellent « {quote(text)} » : précisez le code INSEE.",
        candidates=[
            f"{index.communes[c]['nom']} ({c}, {index.departement_names[c]})" for c in matches
        ],
    )


def commune_lookups(queries: list[str], phase: Phase | None = None) -> list[dict]:
    """One answer per query, in order: ``commune_lookup``'s JSON with ``requete`` (the query as sent),
    or ``{"requete", "erreur", "candidats"}`` when it names no commune or several."""
    if len(queries) > MAX_ITEMS:
        raise ValueError(f"Au plus {MAX_ITEMS} communes par appel ({len(queries)} reçues).")
    index = commune_index()
    answers = []
    for query in queries:
        try:
            code = _find(index, query)
        except lookup.LookupError as error:
            answers.append({"requete": query, "erreur": str(error), "candidats": error.candidates})
            continue
        asked = (query or "").strip().upper()
        former = lookup.former_commune(asked) if code != asked else None
        answers.append(
            {
                "requete": query,
                "commune": index.communes[code],
                "territoires": [
                    ref
                    for _, ref in index.territories.get(code, [])
                    if phase is None or ref["phase"] == phase.code
                ],
                "ancien_code": asked if former else None,
                "ancien_nom": former[1] if former else None,
            }
        )
    return answers
