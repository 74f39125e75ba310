"""Resolve the SIRENs and INSEE codes of a source in its COG vintage, then map them to current communes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.imports import Problem
from geo import cog
from territories.importers.source import ParsedSource, SourceMember, SourceTerritory

VINTAGE_IN_NAME = re.compile(r"(?:com|grpt|cog|epci)[_-]?(20\d{2})", re.IGNORECASE)
COMMUNE_NATURE = "COM"


@dataclass
class ResolvedMember:
    siren: str
    name: str
    kind: str  # TerritoryMember.Kind value
    legal_nature: str
    groupement_siren: str | None  # the Groupement row, when it still exists in the current COG
    population: int


@dataclass
class ResolvedTerritory:
    ti_id: str
    name: str
    geometry: dict | None
    members: list[ResolvedMember] = field(default_factory=list)
    communes: dict[str, str] = field(
        default_factory=dict
    )  # current code -> code in the source's vintage
    unmapped: list[tuple[str, str]] = field(
        default_factory=list
    )  # (code, name) with no current commune


@dataclass
class Resolution:
    vintage: int
    vintage_reason: str
    territories: list[ResolvedTerritory]
    unresolved: list[Problem]
    warnings: list[str]


def unresolved_codes(source: ParsedSource, vintage: cog.CogVintage) -> int:
    sirens, insee = source.codes()
    known = vintage.groupements.keys() | vintage.commune_by_siren.keys()
    return len(sirens - known) + len(insee - vintage.communes.keys())


def choose_vintage(
    source: ParsedSource, phase_start_year: int, requested: int | None
) -> tuple[int, str]:
    """The COG year of the file: asked for, else named in the file name, else found from the codes.

    Found from the codes: the earliest vintage, from the phase's first year on, that resolves every
    code (a phase's list is decided at its start, so the closest vintage to that date is the most
    faithful); else the vintage with the fewest unresolved codes.
    """
    years = cog.available_vintages()
    if requested is not None:
        if requested not in years:
            raise cog.CogUnavailable(
                f"Millésime du COG {requested} non disponible ; disponibles : {', '.join(map(str, years))}."
            )
        return requested, f"COG {requested} demandé (--cog)"
    match = VINTAGE_IN_NAME.search(source.file)
    if match and int(match[1]) in years:
        return int(match[1]), f"COG {match[1]} lu dans le nom du fichier"
    candidates = [y for y in years if y >= phase_start_year] or years
    counts = {year: unresolved_codes(source, cog.load_vintage(year)) for year in candidates}
    complete = [year for year in candidates if counts[year] == 0]
    if complete:
        return complete[0], f"COG {complete[0]} : premier millésime qui résout tous les codes"
    best = min(candidates, key=lambda year: (counts[year], -year))
    return best, f"COG {best} : millésime qui résout le plus de codes ({counts[best]} non résolus)"


def resolve(
    source: ParsedSource, phase_start_year: int, requested_vintage: int | None = None
) -> Resolution:
    year, reason = choose_vintage(source, phase_start_year, requested_vintage)
    vintage = cog.load_vintage(year)
    current = cog.load_vintage(cog.CURRENT_VINTAGE)
    unresolved: list[Problem] = []
    territories = []
    for item in source.territories.values():
        resolved = ResolvedTerritory(item.ti_id, item.name, item.geometry)
        source_codes = _source_codes(source, item, vintage, unresolved)
        members = (
            item.members
            if source.members_given
            else _derive_members(source, item, source_codes, vintage, unresolved)
        )
        for member in members:
            found = _resolve_member(member, vintage, current)
            if found is None:
                unresolved.append(
                    Problem(
                        source.file,
                        f"SIREN inconnu dans le COG {year} (territoire {item.ti_id})",
                        member.row,
                        member.column,
                        member.siren,
                        "le SIREN d'un EPCI, d'un EPT ou d'une commune",
                        source.row_label,
                    )
                )
                continue
            resolved.members.append(found)
            if source.members_given:
                source_codes.update(_member_codes(found, member, vintage))
        for code, name in sorted(source_codes.items()):
            current_code = vintage.current_code(code, current)
            if current_code is None:
                resolved.unmapped.append((code, name))
            elif code == current_code or current_code not in resolved.communes:
                # A current commune listed under its own code keeps it, not a former commune's.
                resolved.communes[current_code] = code
        territories.append(resolved)
    warnings = [
        f"{t.ti_id} : la commune {code} ({name}) du COG {year} n'a pas d'équivalent dans le COG {current.year}"
        for t in territories
        for code, name in t.unmapped
    ]
    return Resolution(year, reason, territories, unresolved, warnings)


def _source_codes(
    source: ParsedSource, item: SourceTerritory, vintage: cog.CogVintage, unresolved: list
) -> dict[str, str]:
    codes = {}
    for commune in item.communes:
        if commune.code not in vintage.communes:
            unresolved.append(
                Problem(
                    source.file,
                    f"code commune inconnu dans le COG {vintage.year} (territoire {item.ti_id})",
                    commune.row,
                    commune.column,
                    commune.code,
                    "un code INSEE de commune",
                    source.row_label,
                )
            )
            continue
        codes[commune.code] = vintage.communes[commune.code]["nom"]
    return codes


def _resolve_member(
    member: SourceMember, vintage: cog.CogVintage, current: cog.CogVintage
) -> ResolvedMember | None:
    from territories.models import TerritoryMember

    groupement = vintage.groupements.get(member.siren)
    if groupement is not None:
        now = current.groupements.get(member.siren)
        return ResolvedMember(
            member.siren,
            member.name or groupement.name,
            TerritoryMember.Kind.GROUPEMENT,
            groupement.nature,
            member.siren if now else None,
            (now or groupement).population,
        )
    commune = vintage.commune_by_siren.get(member.siren)
    if commune is not None:
        now = current.communes.get(commune["code"])
        population = (now or commune).get("population") or 0
        return ResolvedMember(
            member.siren,
            member.name or commune["nom"],
            TerritoryMember.Kind.COMMUNE,
            COMMUNE_NATURE,
            None,
            population,
        )
    return None


def _member_codes(
    found: ResolvedMember, member: SourceMember, vintage: cog.CogVintage
) -> dict[str, str]:
    if found.legal_nature == COMMUNE_NATURE:
        commune = vintage.commune_by_siren[member.siren]
        return {commune["code"]: commune["nom"]}
    return {
        code: vintage.communes[code]["nom"]
        for code in vintage.groupements[member.siren].member_codes
        if code in vintage.communes
    }


def _derive_members(
    source: ParsedSource,
    item: SourceTerritory,
    codes: dict[str, str],
    vintage: cog.CogVintage,
    unresolved: list[Problem],
) -> list[SourceMember]:
    """From communes alone: every EPT, then EPCI, all of whose communes are in the territory; then the rest."""
    remaining = set(codes)
    members = []
    for index in (vintage.ept_of_commune, vintage.epci_of_commune):
        candidates = sorted({index[code] for code in remaining if code in index})
        for siren in candidates:
            member_codes = set(vintage.groupements[siren].member_codes)
            if member_codes <= remaining:
                members.append(SourceMember(siren, "", item.row, "insee_com"))
                remaining -= member_codes
    rows = {commune.code: commune.row for commune in item.communes}
    for code in sorted(remaining):
        siren = vintage.communes[code].get("siren")
        if not siren:
            # Collectivités d'outre-mer (Saint-Pierre-et-Miquelon, Polynésie…) have no SIREN in the COG.
            unresolved.append(
                Problem(
                    source.file,
                    f"la commune {code} ({codes[code]}) n'a pas de SIREN dans le COG "
                    f"{vintage.year} : elle ne peut pas être membre (territoire {item.ti_id})",
                    rows.get(code, item.row),
                    "insee_com",
                    code,
                    "une commune de France métropolitaine ou d'un DROM",
                    source.row_label,
                )
            )
            continue
        members.append(SourceMember(siren, "", rows.get(code, item.row), "insee_com"))
    return members
