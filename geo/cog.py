"""Read one vintage of the Code officiel géographique from ``@etalab/decoupage-administratif``.

The package is installed by npm (package.json pins one version per vintage through npm aliases).
Its ``index.js`` crashes when required from another folder, so the JSON files are read directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

# COG year -> npm package folder (see package.json). The newest is the platform's current geography.
VINTAGE_PACKAGES: dict[int, str] = {
    2023: "cog2023",
    2026: "@etalab/decoupage-administratif",
}
CURRENT_VINTAGE = max(VINTAGE_PACKAGES)

# decoupage-administratif "type" of an EPCI -> Groupement.Nature (METLYON is the Métropole de Lyon).
EPCI_NATURES = {
    "CC": "CC",
    "CA": "CA",
    "CU": "CU",
    "METRO": "METRO",
    "MET69": "MET69",
    "EPT": "EPT",
}


class CogUnavailable(RuntimeError):
    """The npm package holding a vintage is not installed."""


@dataclass
class GroupementRecord:
    siren: str
    name: str
    nature: str
    member_codes: list[str]
    population: int


@dataclass
class CogVintage:
    year: int
    communes: dict[str, dict] = field(default_factory=dict)  # code -> commune-actuelle record
    commune_by_siren: dict[str, dict] = field(default_factory=dict)
    # Former commune code -> the current commune it is now part of: communes déléguées/associées
    # (their chef-lieu), then the ``anciensCodes`` of each current commune (communes merged without
    # keeping a commune déléguée, e.g. Filain 02311 -> Pargny-et-Filain 02589).
    former_codes: dict[str, str] = field(default_factory=dict)
    former_names: dict[str, str] = field(default_factory=dict)  # déléguée/associée code -> name
    groupements: dict[str, GroupementRecord] = field(default_factory=dict)
    departements: dict[str, dict] = field(default_factory=dict)
    regions: dict[str, dict] = field(default_factory=dict)
    epci_of_commune: dict[str, str] = field(default_factory=dict)
    ept_of_commune: dict[str, str] = field(default_factory=dict)

    def current_code(self, code: str, current: CogVintage) -> str | None:
        """The commune of ``current`` that a commune code of this vintage now belongs to, or None."""
        if code in current.communes:
            return code
        return current.former_codes.get(code)


def package_dir(year: int) -> Path:
    if year not in VINTAGE_PACKAGES:
        known = ", ".join(str(y) for y in sorted(VINTAGE_PACKAGES))
        raise CogUnavailable(f"Millésime du COG {year} inconnu ; millésimes disponibles : {known}.")
    path = Path(settings.TERRITOIRES_NODE_MODULES) / VINTAGE_PACKAGES[year] / "data"
    if not (path / "communes.json").is_file():
        raise CogUnavailable(
            f"Le paquet npm du COG {year} est absent ({path}). Lancez « make setup » (npm install)."
        )
    return path


def _read(path: Path, name: str) -> list[dict]:
    with open(path / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=len(VINTAGE_PACKAGES))
def load_vintage(year: int) -> CogVintage:
    path = package_dir(year)
    vintage = CogVintage(year=year)
    for record in _read(path, "communes"):
        kind = record["type"]
        if kind == "commune-actuelle":
            vintage.communes[record["code"]] = record
            if record.get("siren"):
                vintage.commune_by_siren[record["siren"]] = record
        elif kind in ("commune-deleguee", "commune-associee"):
            # A code may be both a commune actuelle and the commune déléguée of itself: actuelle wins.
            vintage.former_codes.setdefault(record["code"], record["chefLieu"])
            vintage.former_names.setdefault(record["code"], record["nom"])
    # After the délégués (whose chef-lieu is the more precise answer: 2 codes of the 2026 COG differ).
    # The COG 2026 lists 4,240 anciensCodes; each names one current commune.
    for code, record in vintage.communes.items():
        for former in record.get("anciensCodes", []):
            if former not in vintage.communes:
                vintage.former_codes.setdefault(former, code)
    for name in ("epci", "ept"):
        for record in _read(path, name):
            members = [m["code"] for m in record["membres"]]
            population = record.get("populationTotale") or sum(
                m.get("populationTotale", 0) for m in record["membres"]
            )
            vintage.groupements[record["code"]] = GroupementRecord(
                siren=record["code"],
                name=record["nom"],
                nature=EPCI_NATURES.get(record["type"], record["type"]),
                member_codes=members,
                population=population,
            )
            target = vintage.ept_of_commune if name == "ept" else vintage.epci_of_commune
            for code in members:
                target[code] = record["code"]
    vintage.departements = {d["code"]: d for d in _read(path, "departements")}
    vintage.regions = {r["code"]: r for r in _read(path, "regions")}
    return vintage


def former_name(code: str) -> str | None:
    """The name a former commune code bore: a commune déléguée's of the current COG, else the name
    in the newest older vintage that lists it as a commune (COG 2023 for the ANCT files' codes)."""
    current = load_vintage(CURRENT_VINTAGE)
    if code in current.former_names:
        return current.former_names[code]
    for year in sorted(VINTAGE_PACKAGES, reverse=True):
        if year == CURRENT_VINTAGE:
            continue
        try:
            record = load_vintage(year).communes.get(code)
        except CogUnavailable:
            continue
        if record is not None:
            return record["nom"]
    return None


def available_vintages() -> list[int]:
    return sorted(VINTAGE_PACKAGES)
