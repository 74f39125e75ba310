"""Search-as-you-type over communes, intercommunalités, départements, régions and territories.

The whole index (~37 000 entries) lives in memory, built once per process and data version (~1 s),
so a query is a scan of short strings: a few milliseconds, far under the 100 ms budget, and the same
on SQLite and PostgreSQL. Names match with accents, case, hyphens and apostrophes ignored
(``geo.text.normalize_search``); codes match exactly: INSEE code of a commune, postcode, SIREN of an
EPCI/EPT, code of a département or région, identifier of a territory.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse

from geo.models import Commune, Groupement
from geo.text import normalize_search
from territories.models import Phase, TerritoryCommune

from . import queries
from .versioning import cached

MAX_RESULTS = 10
MIN_QUERY_LENGTH = 2

# Ties are broken by kind (a département before a commune of the same name), then by weight.
KIND_ORDER = {"region": 0, "departement": 1, "territoire": 2, "groupement": 3, "commune": 4}
KIND_LABELS = {
    "region": "Région",
    "departement": "Département",
    "territoire": "Territoire d'industrie",
    "groupement": "Intercommunalité",
    "commune": "Commune",
}


@dataclass
class Entry:
    kind: str
    label: str
    detail: str
    url: str
    name: str  # normalised
    codes: tuple[str, ...] = ()
    weight: int = 0  # population: larger places first among equal matches
    words: tuple[str, ...] = field(default=(), repr=False)

    def as_dict(self) -> dict:
        return {
            "type": self.kind,
            "type_libelle": KIND_LABELS[self.kind],
            "libelle": self.label,
            "detail": self.detail,
            "url": self.url,
        }


def _territory_names_by_commune() -> dict[str, list[str]]:
    latest = Phase.objects.order_by("-number").first()
    names: dict[str, list[str]] = defaultdict(list)
    if latest is None:
        return names
    rows = TerritoryCommune.objects.filter(territory__phase=latest).values_list(
        "commune_id", "territory__name"
    )
    for code, name in rows:
        names[code].append(name)
    return names


def build_index() -> list[Entry]:
    entries: list[Entry] = []
    for region in queries.regions():
        entries.append(
            Entry(
                "region",
                region.name,
                f"Région {region.code}",
                reverse("public:region", args=[region.code]),
                normalize_search(region.name),
                (region.code,),
                10**9,
            )
        )
    for dep in queries.departements().select_related("region").defer("region__geometry"):
        entries.append(
            Entry(
                "departement",
                f"{dep.name} ({dep.code})",
                f"Département, {dep.region.name}",
                reverse("public:departement", args=[dep.code]),
                normalize_search(dep.name),
                (dep.code.lower(),),
                10**8,
            )
        )
    for territory in queries.territories_with_areas().order_by("phase__number"):
        dep = territory.principal_departement
        entries.append(
            Entry(
                "territoire",
                territory.name,
                f"Territoire d'industrie {territory.phase_id}" + (f", {dep.name}" if dep else ""),
                reverse("public:territory", args=[territory.phase_id, territory.ti_id]),
                territory.search_name,
                (territory.ti_id,),
                territory.population + territory.phase.number,
            )
        )
    for groupement in Groupement.objects.all():
        entries.append(
            Entry(
                "groupement",
                groupement.name,
                f"{groupement.get_nature_display()}, SIREN {groupement.siren}",
                reverse("public:groupement", args=[groupement.siren]),
                groupement.search_name,
                (groupement.siren,),
                groupement.population,
            )
        )
    territories = _territory_names_by_commune()
    for code, name, search_name, postcodes, population, dep_code in Commune.objects.values_list(
        "code", "name", "search_name", "postcodes", "population", "departement_id"
    ).order_by():
        held = territories.get(code)
        detail = f"Commune, {dep_code} — " + (
            f"Territoire d'industrie : {', '.join(held)}" if held else "hors Territoire d'industrie"
        )
        entries.append(
            Entry(
                "commune",
                f"{name} ({code})",
                detail,
                reverse("public:commune", args=[code]),
                search_name,
                (code.lower(), *postcodes),
                population,
            )
        )
    for entry in entries:
        entry.words = tuple(entry.name.split())
        entry.codes = tuple(_code(code) for code in entry.codes)
    return entries


def _code(text: str) -> str:
    """Codes compare without case, spaces or hyphens: "ti-1108" = "TI 1108", "2A004" = "2a004"."""
    return normalize_search(text).replace(" ", "")


@dataclass
class SearchIndex:
    entries: list[Entry]
    codes: list[tuple[str, int]]  # (code, position in entries), sorted: prefixes found by bisection
    names: str  # every normalised name, one per line: candidates are found by str.find (C speed)
    starts: list[int]  # offset of each entry's name in ``names``
    sorted_names: list[
        tuple[str, int]
    ]  # (name, position), sorted: names starting with the query by bisection
    ranks: list[tuple]  # tie-break of each entry among equal scores: kind, larger population, label

    def entries_starting_with(self, text: str) -> list[int]:
        start = bisect.bisect_left(self.sorted_names, (text, -1))
        end = bisect.bisect_left(self.sorted_names, (text + "\U0010ffff", -1))
        return [position for _, position in self.sorted_names[start:end]]

    def entries_containing(self, text: str):
        """Positions of the entries whose name contains ``text``, without a Python loop over all of them."""
        position = self.names.find(text)
        while position != -1:
            entry = bisect.bisect_right(self.starts, position) - 1
            yield entry
            if entry + 1 >= len(self.starts):
                return
            position = self.names.find(text, self.starts[entry + 1])


def _build_search_index() -> SearchIndex:
    entries = build_index()
    codes = sorted(
        (code, position) for position, entry in enumerate(entries) for code in entry.codes
    )
    starts, offset = [], 0
    for entry in entries:
        starts.append(offset)
        offset += len(entry.name) + 1
    return SearchIndex(
        entries,
        codes,
        "\n".join(entry.name for entry in entries),
        starts,
        sorted((entry.name, position) for position, entry in enumerate(entries)),
        [(KIND_ORDER[entry.kind], -entry.weight, entry.label) for entry in entries],
    )


def index() -> SearchIndex:
    return cached("search-index", _build_search_index)


def _code_scores(search_index: SearchIndex, code_query: str) -> dict[int, int]:
    """Entries whose code equals (score 0) or, from three characters, starts with (5) the query."""
    scores: dict[int, int] = {}
    codes = search_index.codes
    start = bisect.bisect_left(codes, (code_query, -1))
    for code, position in itertools.islice(codes, start, None):
        if not code.startswith(code_query):
            break
        if code == code_query:
            scores[position] = 0
        elif len(code_query) >= 3:
            scores.setdefault(position, 5)
    return scores


def _name_score(
    name: str, words: tuple[str, ...], query: str, query_words: list[str]
) -> int | None:
    """Lower is better; None when the name does not match."""
    if name == query:
        return 1
    if name.startswith(query):
        return 2
    # Every word of the query starts a word of the name, in any order ("meaux pays" finds "Pays de Meaux").
    if all(any(w.startswith(q) for w in words) for q in query_words):
        return 3
    if len(query) >= 3 and query in name:
        return 4
    return None


def search(query: str, limit: int = MAX_RESULTS) -> list[Entry]:
    """The best ``limit`` entries for ``query`` (empty when it is shorter than two characters)."""
    normalized = normalize_search(query)
    if len(normalized.replace(" ", "")) < MIN_QUERY_LENGTH:
        return []
    code_query = normalized.replace(" ", "")  # "77 284" or "2A 004" typed with a space
    words = normalized.split()
    looks_like_code = any(ch.isdigit() for ch in code_query)
    search_index = index()
    code_scores = _code_scores(search_index, code_query) if looks_like_code else {}
    # Names starting with the query score 1 or 2, better than any other name match: when there are
    # enough of them ("saint", "le"), the thousands of names merely containing the query are skipped.
    candidates = set(search_index.entries_starting_with(normalized))
    if len(candidates) < limit:
        longest_word = max(words, key=len)  # the rarest, usually: fewer candidates to score
        candidates.update(search_index.entries_containing(longest_word))
    candidates.update(code_scores)
    matches = []
    for position in candidates:
        entry = search_index.entries[position]
        score = _name_score(entry.name, entry.words, normalized, words)
        code_score = code_scores.get(position)
        if code_score is not None and (score is None or code_score < score):
            score = code_score
        if score is not None:
            matches.append((score, search_index.ranks[position], position))
    best = heapq.nsmallest(limit, matches)
    return [search_index.entries[position] for _, _, position in best]
