"""Figures of the registry: territories per région or département (which, and how many), key figures
of a phase. Moved from territories/services/stats.py: stats sits above territories."""

from __future__ import annotations

from collections import defaultdict

from geo.models import Commune, Departement, Region
from territories.models import Phase, Territory, TerritoryCommune

BY_CHOICES = ("region", "departement")
MODE_CHOICES = ("principal", "touching")


def territory_counts(phase: Phase, by: str = "region", mode: str = "principal") -> list[dict]:
    """One row per région (or département), in code order, with its territories of ``phase``.

    ``principal`` counts each territory once, in its principal région/département (the one holding
    most of its population); ``touching`` counts it in every région/département it touches. Areas with
    no territory are listed with 0 so that tables of different phases line up.
    """
    if by not in BY_CHOICES or mode not in MODE_CHOICES:
        raise ValueError(f"by doit valoir {BY_CHOICES}, mode {MODE_CHOICES}")
    area_model = Region if by == "region" else Departement
    # Never the polygons: loading them made one count take ~1.5 s instead of a few milliseconds.
    territories = (
        Territory.objects.filter(phase=phase)
        .only("id", "ti_id", "name", "principal_region_id", "principal_departement_id")
        .order_by("ti_id")
    )
    grouped: dict[str, list[Territory]] = defaultdict(list)
    if mode == "principal":
        key = f"principal_{by}_id"
        for territory in territories:
            grouped[getattr(territory, key)].append(territory)
    else:
        through = Territory.regions.through if by == "region" else Territory.departements.through
        area_field = f"{by}_id"
        names = {t.id: t for t in territories}
        for territory_id, area_code in through.objects.filter(territory__phase=phase).values_list(
            "territory_id", area_field
        ):
            grouped[area_code].append(names[territory_id])
        for items in grouped.values():
            items.sort(key=lambda t: t.ti_id)
    return [
        {
            "code": area.code,
            "nom": area.name,
            "nombre": len(grouped.get(area.code, [])),
            "territoires": [{"id": t.ti_id, "nom": t.name} for t in grouped.get(area.code, [])],
        }
        for area in area_model.objects.only("code", "name").order_by("code")
        if area.code in grouped or _is_programme_area(area)
    ]


def _is_programme_area(area) -> bool:
    """Régions and départements of France where the programme runs (not the overseas collectivities)."""
    return len(area.code) <= 2 or area.code in {"971", "972", "973", "974", "976"}


def phase_key_figures(phase: Phase) -> dict:
    """Key figures of a phase: territories, communes and population covered, régions concerned."""
    territories = Territory.objects.filter(phase=phase)
    communes = (
        TerritoryCommune.objects.filter(territory__phase=phase).values("commune_id").distinct()
    )
    covered = Commune.objects.filter(code__in=communes)
    return {
        "territoires": territories.count(),
        "communes": covered.count(),
        "population": sum(covered.values_list("population", flat=True)),
        "regions": Region.objects.filter(territories__phase=phase).distinct().count(),
        "departements": Departement.objects.filter(territories__phase=phase).distinct().count(),
    }
