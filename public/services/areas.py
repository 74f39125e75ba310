"""Data of the pages of a région, a département, a commune, an intercommunalité, and the home page."""

from __future__ import annotations

from dataclasses import dataclass

from geo.models import Commune, Departement, Groupement, Region
from stats.services.territories import phase_key_figures
from territories.models import LineageStatus, Phase, Territory
from territories.services.lookup import territories_of_commune, territories_of_groupement

from . import queries
from .versioning import cached, territories_version


@dataclass
class PhaseTerritories:
    """The territories of one phase for a région or département: those it is the principal area of,
    and those that only touch it."""

    phase: Phase
    principal: list[Territory]
    touching: list[Territory]

    @property
    def count(self) -> int:
        return len(self.principal) + len(self.touching)


def territories_by_phase(area: Region | Departement) -> list[PhaseTerritories]:
    field = "region" if isinstance(area, Region) else "departement"
    touching = queries.territories_with_areas().filter(**{f"{field}s": area}).order_by("name")
    by_phase: dict[str, PhaseTerritories] = {
        p.code: PhaseTerritories(p, [], []) for p in Phase.objects.order_by("-number")
    }
    for territory in touching:
        group = by_phase[territory.phase_id]
        is_principal = getattr(territory, f"principal_{field}_id") == area.code
        (group.principal if is_principal else group.touching).append(territory)
    return list(by_phase.values())


@dataclass
class PhaseMembership:
    phase: Phase
    territories: list[Territory]


def memberships(territories: list[Territory]) -> list[PhaseMembership]:
    """Per phase, latest first, the territories among ``territories`` (empty list: in none)."""
    return [
        PhaseMembership(p, [t for t in territories if t.phase_id == p.code])
        for p in Phase.objects.order_by("-number")
    ]


def commune_memberships(commune: Commune) -> list[PhaseMembership]:
    return memberships(territories_of_commune(commune))


def groupement_memberships(groupement: Groupement) -> list[PhaseMembership]:
    return memberships(territories_of_groupement(groupement))


def home_figures() -> list[dict]:
    """Key figures of each phase, latest first (counting population takes ~50 ms: cached)."""

    def build():
        return [
            {"phase": phase, **phase_key_figures(phase)}
            for phase in Phase.objects.order_by("-number")
        ]

    return cached("home-figures", build, territories_version())


@dataclass
class PhaseComparison:
    """Why "34 new territories" (the press: 183 - 149) and the 29 of the "nouveau" filter differ."""

    phase: Phase
    previous: Phase
    count: int
    previous_count: int
    new: int  # territories sharing no commune with any territory of the previous phase

    @property
    def difference(self) -> int:
        return self.count - self.previous_count


def phase_comparisons() -> list[PhaseComparison]:
    """Each phase against the one before it, latest first."""

    def build():
        phases = list(Phase.objects.order_by("-number"))
        comparisons = []
        for phase, previous in zip(phases, phases[1:], strict=False):
            territories = Territory.objects.filter(phase=phase)
            comparisons.append(
                PhaseComparison(
                    phase,
                    previous,
                    territories.count(),
                    Territory.objects.filter(phase=previous).count(),
                    territories.filter(lineage_status=LineageStatus.NOUVEAU).count(),
                )
            )
        return comparisons

    return cached("phase-comparisons", build, territories_version())
