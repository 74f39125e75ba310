"""What a figure is about: a phase and a scope (the country, a région, a département, a territory), and
who reads it (the public, or a person who may also see some confidential actions).

Attribution rule (docs/stats.md): a territory belongs to the région and the département that hold most of
its population (its *principal* ones). Every figure of a région or a département that counts territories,
actions, money or service requests counts the territories of which it is the principal area, so that the
régions' figures add up to the national one; the territory counts also give the *touching* number, and the
communes and population covered are those of the communes located in the area.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from geo.models import Commune, Departement, Region
from territories.models import Phase, Territory, TerritoryCommune

KINDS = ("national", "region", "departement", "territoire")


@dataclass(frozen=True)
class Scope:
    """``kind`` is one of KINDS; ``code`` the région or département code, or the territory's ``ti_id``
    (unique within a phase only: a territory scope is read with its phase); "" for the country."""

    kind: str = "national"
    code: str = ""

    @classmethod
    def national(cls) -> Scope:
        return cls()

    @classmethod
    def region(cls, code: str) -> Scope:
        return cls("region", code)

    @classmethod
    def departement(cls, code: str) -> Scope:
        return cls("departement", code)

    @classmethod
    def territory(cls, ti_id: str) -> Scope:
        return cls("territoire", ti_id)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Périmètre inconnu : {self.kind} (attendu : {', '.join(KINDS)})")

    @property
    def key(self) -> str:
        """A short stable text (cache keys, CSV file names): ``national``, ``region-11``..."""
        return self.kind if self.kind == "national" else f"{self.kind}-{self.code}"

    def area(self) -> Region | Departement | None:
        """The région or département, or None; Http404 for an unknown code."""
        if self.kind == "region":
            return _get(Region, self.code)
        if self.kind == "departement":
            return _get(Departement, self.code)
        return None

    def territories(self, phase: Phase) -> QuerySet[Territory]:
        """The territories of ``phase`` counted in this scope (principal attribution), without their
        polygons; for a territory scope, that territory (empty when it is not in the phase)."""
        territories = Territory.objects.filter(phase=phase).defer("geometry", "geometry_simplified")
        if self.kind == "region":
            return territories.filter(principal_region_id=self.code)
        if self.kind == "departement":
            return territories.filter(principal_departement_id=self.code)
        if self.kind == "territoire":
            return territories.filter(ti_id=self.code)
        return territories

    def touching(self, phase: Phase) -> QuerySet[Territory]:
        """The territories of ``phase`` with at least one commune in the scope."""
        territories = Territory.objects.filter(phase=phase)
        if self.kind == "region":
            territories = territories.filter(regions=self.code)
        elif self.kind == "departement":
            territories = territories.filter(departements=self.code)
        elif self.kind == "territoire":
            territories = territories.filter(ti_id=self.code)
        return territories.defer("geometry", "geometry_simplified")

    def covered_communes(self, phase: Phase) -> QuerySet[Commune]:
        """The communes of the scope in at least one territory of ``phase`` (each once): for an area,
        those located in it; for a territory, its own."""
        links = TerritoryCommune.objects.filter(territory__phase=phase)
        communes = Commune.objects.all()
        if self.kind == "region":
            communes = communes.filter(region_id=self.code)
        elif self.kind == "departement":
            communes = communes.filter(departement_id=self.code)
        elif self.kind == "territoire":
            links = links.filter(territory__ti_id=self.code)
        return communes.filter(code__in=links.values("commune_id"))

    def communes_filter(self) -> dict:
        """Filter on a model with a ``commune`` foreign key placing it in the area (None for a
        territory: use ``covered_communes``)."""
        if self.kind == "region":
            return {"commune__region_id": self.code}
        if self.kind == "departement":
            return {"commune__departement_id": self.code}
        return {}


def _get(model, code: str):
    found = model.objects.filter(code=code).first() if isinstance(code, str) else None
    if found is None:
        raise Http404(f"{model._meta.verbose_name.capitalize()} inconnu(e) : {code}")
    return found


def latest_phase() -> Phase | None:
    """The most recent phase (the dashboards' default)."""
    return Phase.objects.order_by("-number").first()


def phase_or_latest(code: str | None) -> Phase:
    """The phase of that code, or the latest for "" / None; Http404 for an unknown code."""
    if code:
        phase = Phase.objects.filter(code=code).first()
    else:
        phase = latest_phase()
    if phase is None:
        raise Http404(f"Phase inconnue : {code}")
    return phase
