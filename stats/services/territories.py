"""Figures of the registry: territories per région or département (which, and how many), key figures
of a phase. Moved from territories/services/stats.py: stats sits above territories."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from geo.models import Commune, Departement, Region
from stats.services.keep import kept
from stats.services.scope import Scope
from territories.models import LineageStatus, Phase, Territory, TerritoryCommune

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
    """Key figures of a phase: territories, communes and population covered, régions concerned.

    Kept per data version (stats/services/keep.py): computed afresh it took most of the 150-250x
    gap of ``/api/v1/stats/chiffres-cles`` to the bare view (a DISTINCT over every column of the
    régions, outlines included, and the population summed in Python)."""
    return dict(
        kept(("phase_key_figures", phase.pk), ("territories",), lambda: _key_figures(phase))
    )


def _key_figures(phase: Phase) -> dict:
    communes = (
        TerritoryCommune.objects.filter(territory__phase=phase).values("commune_id").distinct()
    )
    covered = Commune.objects.filter(code__in=communes).aggregate(
        communes=Count("code"), population=Coalesce(Sum("population"), 0)
    )
    return {
        "territoires": Territory.objects.filter(phase=phase).count(),
        "communes": covered["communes"],
        "population": covered["population"],
        "regions": Region.objects.filter(territories__phase=phase)
        .values("code")
        .distinct()
        .count(),
        "departements": Departement.objects.filter(territories__phase=phase)
        .values("code")
        .distinct()
        .count(),
    }


# --- Figures of a scope (the dashboards) ---------------------------------------------------------

LINEAGE_STATUSES = [
    (status.value, status.label) for status in LineageStatus if status != "non-reconduit"
]


def coverage(phase: Phase, scope: Scope) -> dict:
    """Territories, communes and population of ``scope`` in ``phase`` (three queries):
    ``{"territoires"`` (principal attribution), ``"territoires_touching"``, ``"communes"``,
    ``"population"}`` (communes of the scope in a territory of the phase, each once)."""
    covered = scope.covered_communes(phase).aggregate(
        communes=Count("code"), population=Coalesce(Sum("population"), 0)
    )
    return {
        "territoires": scope.territories(phase).count(),
        "territoires_touching": scope.touching(phase).count(),
        "communes": covered["communes"],
        "population": covered["population"],
    }


def lineage_counts(phase: Phase, scope: Scope) -> dict:
    """Territories of ``scope`` in ``phase`` by lineage status against the previous phase (two
    queries): ``{"nouveau", "reconduit", "etendu", "reduit", "recompose"}`` (all 0 in the first phase,
    whose territories have no status), plus ``"non_reconduits"``: territories of the previous phase in
    the same scope that no territory of ``phase`` continues (None in the first phase)."""
    counts = dict(
        scope.territories(phase)
        .order_by()
        .values_list("lineage_status")
        .annotate(n=Count("id"))
        .values_list("lineage_status", "n")
    )
    figures = {status: counts.get(status, 0) for status, _ in LINEAGE_STATUSES}
    previous = phase.previous()
    figures["non_reconduits"] = (
        scope.territories(previous).filter(outcome_status=LineageStatus.NON_RECONDUIT).count()
        if previous
        else None
    )
    return figures


def area_comparison(phase: Phase, by: str) -> list[dict]:
    """One row per région (or département, ``by``) of the programme, in code order: ``code``, ``nom``,
    ``territoires`` (principal), ``territoires_touching``, ``communes``, ``population``, and the lineage
    statuses of its principal territories (a handful of queries whatever the number of areas)."""
    if by not in BY_CHOICES:
        raise ValueError(f"by doit valoir {BY_CHOICES}")
    principal = {row["code"]: row for row in territory_counts(phase, by, "principal")}
    touching = {row["code"]: row["nombre"] for row in territory_counts(phase, by, "touching")}
    covered_codes = TerritoryCommune.objects.filter(territory__phase=phase).values("commune_id")
    covered = {
        row[f"{by}_id"]: row
        for row in Commune.objects.filter(code__in=covered_codes)
        .order_by()
        .values(f"{by}_id")
        .annotate(communes=Count("code"), population=Coalesce(Sum("population"), 0))
    }
    lineage: dict[str, dict] = defaultdict(dict)
    for code, status, count in (
        Territory.objects.filter(phase=phase)
        .order_by()
        .values_list(f"principal_{by}_id", "lineage_status")
        .annotate(n=Count("id"))
    ):
        lineage[code][status] = count
    return [
        {
            "code": code,
            "nom": row["nom"],
            "territoires": row["nombre"],
            "territoires_touching": touching.get(code, 0),
            "communes": covered.get(code, {}).get("communes", 0),
            "population": covered.get(code, {}).get("population", 0),
            **{status: lineage[code].get(status, 0) for status, _ in LINEAGE_STATUSES},
        }
        for code, row in principal.items()
    ]
