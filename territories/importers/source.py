"""The neutral description of a phase that every reader produces, before codes are resolved."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceMember:
    siren: str
    name: str
    row: int
    column: str
    legal_nature: str = ""


@dataclass
class SourceCommune:
    code: str
    name: str
    row: int
    column: str


@dataclass
class SourceTerritory:
    ti_id: str
    name: str
    row: int
    members: list[SourceMember] = field(default_factory=list)
    communes: list[SourceCommune] = field(default_factory=list)
    geometry: dict | None = None


@dataclass
class ParsedSource:
    file: str
    format: str  # see readers.FORMATS
    row_label: str  # "ligne" or "entité"
    territories: dict[str, SourceTerritory] = field(default_factory=dict)
    has_geometry: bool = False
    members_given: bool = True  # False for the communes CSV: members are derived from communes

    def codes(self) -> tuple[set[str], set[str]]:
        sirens = {m.siren for t in self.territories.values() for m in t.members}
        insee = {c.code for t in self.territories.values() for c in t.communes}
        return sirens, insee
