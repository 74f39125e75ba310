"""Search-as-you-type over communes, intercommunalités, départements, régions and territories.

The whole index (~37 000 entries) lives in memory, built once per process and data version (~1 s),
so a query is a scan of short strings: a few milliseconds, far under the 100 ms budget, and the same
on SQLite and PostgreSQL. Names match with accents, case, hyphens and apostrophes ignored
(``geo.text.normalize_search``); codes match exactly: INSEE code of a commune, postcode, SIREN of an
EPCI/EPT, code of a département or région, identifier of a territory. A query mixing a name and
codes ("77100 Meaux", "Meaux 77") matches the name and puts first the entries in that postcode or
département. Communes merged since the ANCT files (Filain, 02311) are found and say so.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from geo import cog
from geo.models import Commune, Groupement
from geo.text import normalize_search
from territories.models import Phase, TerritoryCommune

from . import queries
from .versioning import cached, territories_version

MAX_RESULTS = 10
MIN_QUERY_LENGTH = 2

# Ties are broken by kind (a département before a commune of the same name), then by weight.
KIND_ORDER = {
    "region": 0,
    "departement": 1,
    "territoire": 2,
    "groupement": 3,
    "commune": 4,
    "ancienne-commune": 5,
}
KIND_LABELS = {
    "region": "Région",
    "departement": "Département",
    "territoire": "Territoire d'industrie",
    "groupement": "Intercommunalité",
    "commune": "Commune",
    "ancienne-commune": "Ancienne commune",
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
    # Codes of where the entry is (postcodes, INSEE code, département, région), lower case:
    # "Meaux 77" and "77100 Meaux" put first the entries in that place.
    places: frozenset[str] = field(default=frozenset(), repr=False)

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
                places=frozenset({region.code}),
            )
        )
    departement_names = {}
    for dep in queries.departements().select_related("region").defer("region__geometry"):
        departement_names[dep.code] = dep.name
        entries.append(
            Entry(
                "departement",
                f"{dep.name} ({dep.code})",
                f"Département, {dep.region.name}",
                reverse("public:departement", args=[dep.code]),
                normalize_search(dep.name),
                (dep.code.lower(),),
                10**8,
                places=frozenset({dep.code.lower(), dep.region_id}),
            )
        )
    for territory in (
        queries.territories_with_areas()
        .order_by("phase__number")
        .prefetch_related(
            Prefetch("departements", queries.departements()),
            Prefetch("regions", queries.regions()),
        )
    ):
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
                places=frozenset(
                    [d.code.lower() for d in territory.departements.all()]
                    + [r.code for r in territory.regions.all()]
                ),
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
    # One reverse() per commune cost ~1 s of the index build for 35,000 communes: fill a template.
    commune_url = reverse("public:commune", args=["CODE"]).replace("CODE", "{}")
    current = {}
    for (
        code,
        name,
        search_name,
        postcodes,
        population,
        dep_code,
        reg_code,
    ) in Commune.objects.values_list(
        "code", "name", "search_name", "postcodes", "population", "departement_id", "region_id"
    ).order_by():
        current[code] = (name, dep_code, reg_code, postcodes)
        entries.append(
            Entry(
                "commune",
                name,
                _commune_detail(postcodes, dep_code, departement_names, territories.get(code)),
                commune_url.format(code),
                search_name,
                (code.lower(), *postcodes),
                population,
                places=frozenset({code.lower(), dep_code.lower(), reg_code, *postcodes}),
            )
        )
    entries.extend(_former_commune_entries(current, departement_names, territories, commune_url))
    for entry in entries:
        entry.words = tuple(entry.name.split())
        entry.codes = tuple(_code(code) for code in entry.codes)
    return entries


def _commune_detail(
    postcodes: list[str], dep_code: str, departement_names: dict, held: list[str] | None
) -> str:
    """ "77100, Seine-et-Marne (77) — Territoire d'industrie : Nord Est 77 – Meaux": how people tell
    homonyms apart (the postcode and département, not the INSEE code)."""
    codes = ", ".join(postcodes[:2]) + ("…" if len(postcodes) > 2 else "")
    where = f"{departement_names.get(dep_code, dep_code)} ({dep_code})"
    held_text = (
        f"Territoire d'industrie : {', '.join(held)}" if held else "hors Territoire d'industrie"
    )
    return f"{codes + ', ' if codes else ''}{where} — {held_text}"


def _former_commune_entries(
    current: dict, departement_names: dict, territories: dict, commune_url: str
) -> list:
    """A commune merged into a commune nouvelle since a list was drawn up is still typed by people
    and found in the ANCT files: "Filain (02311), fusionnée dans Pargny-et-Filain (02589)"."""
    entries = []
    vintage = cog.load_vintage(cog.CURRENT_VINTAGE)
    for former, now in vintage.former_codes.items():
        if former in vintage.communes or now not in current:
            continue
        name = cog.former_name(former)
        if not name:
            continue
        now_name, dep_code, reg_code, postcodes = current[now]
        entries.append(
            Entry(
                "ancienne-commune",
                f"{name} ({former}), fusionnée dans {now_name} ({now})",
                _commune_detail(postcodes, dep_code, departement_names, territories.get(now)),
                commune_url.format(now),
                normalize_search(name),
                (former.lower(),),
                0,
                places=frozenset({former.lower(), dep_code.lower(), reg_code, *postcodes}),
            )
        )
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
    return cached("search-index", _build_search_index, territories_version())


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


def _is_code(word: str) -> bool:
    """A postcode, INSEE, département or région code: digits, or Corsica's 2A/2B."""
    return word.isdigit() or (word[:2] in ("2a", "2b") and (word[2:] == "" or word[2:].isdigit()))


def _in_places(entry: Entry, code_words: list[str]) -> bool:
    return all(
        word in entry.places or (len(word) >= 3 and any(p.startswith(word) for p in entry.places))
        for word in code_words
    )


def search(query: str, limit: int = MAX_RESULTS) -> list[Entry]:
    """The best ``limit`` entries for ``query`` (empty when it is shorter than two characters)."""
    normalized = normalize_search(query)
    if len(normalized.replace(" ", "")) < MIN_QUERY_LENGTH:
        return []
    code_query = normalized.replace(" ", "")  # "77 284" or "2A 004" typed with a space
    words = normalized.split()
    # "77100 Meaux", "Meaux 77": the name part matches names, the codes say where.
    code_words = [w for w in words if _is_code(w)]
    name_words = [w for w in words if not _is_code(w)]
    mixed = bool(code_words and name_words)
    looks_like_code = any(ch.isdigit() for ch in code_query)
    search_index = index()
    code_scores = _code_scores(search_index, code_query) if looks_like_code else {}
    # Names starting with the query score 1 or 2, better than any other name match: when there are
    # enough of them ("saint", "le"), the thousands of names merely containing the query are skipped.
    candidates = set(search_index.entries_starting_with(normalized))
    name_query = " ".join(name_words)
    if mixed:
        candidates.update(search_index.entries_starting_with(name_query))
    if len(candidates) < limit or mixed:
        longest_word = max(name_words if mixed else words, key=len)  # the rarest, usually
        candidates.update(search_index.entries_containing(longest_word))
    candidates.update(code_scores)
    matches = []
    for position in candidates:
        entry = search_index.entries[position]
        score = _name_score(entry.name, entry.words, normalized, words)
        code_score = code_scores.get(position)
        if code_score is not None and (score is None or code_score < score):
            score = code_score
        placed = 1
        if mixed:
            name_score = _name_score(entry.name, entry.words, name_query, name_words)
            if name_score is not None and _in_places(entry, code_words):
                placed, score = 0, name_score
        if score is not None:
            matches.append((placed, score, search_index.ranks[position], position))
    best = heapq.nsmallest(limit, matches)
    return [search_index.entries[position] for *_, position in best]
