"""Everything the page of one territory shows, gathered in a few queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from shapely.geometry import mapping, shape

from geo.models import Commune, Groupement
from plans.services.summary import plan_summary_by_axis
from territories.models import Lineage, Territory, TerritoryCommune, TerritoryMember
from territories.services.geometry import round_coordinates

# Parts of the difference map smaller than this (square degrees, ~0.1 km²), or thinner than twice
# SLIVER_HALF_WIDTH (degrees, ~150 m), are slivers left by the two phases' polygons being drawn on
# slightly different commune boundaries, not real changes: ti-1108, reconduit with the same 68
# communes, showed long thin "removed" strips along its edge before the width test.
SLIVER_AREA = 1e-5
SLIVER_HALF_WIDTH = 0.0015
DIFFERENCE_TOLERANCE = 0.001
_PREDECESSOR_POLYGONS = ("predecessor__geometry", "predecessor__geometry_simplified")


@dataclass
class Evolution:
    """What changed against the territories of the previous phase that share communes with this one."""

    predecessors: list[Lineage] = field(default_factory=list)
    groupements_added: list[Groupement] = field(default_factory=list)
    groupements_removed: list[Groupement] = field(default_factory=list)
    communes_added: list[Commune] = field(default_factory=list)
    communes_removed: list[Commune] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(
            self.groupements_added
            or self.groupements_removed
            or self.communes_added
            or self.communes_removed
        )


def _commune_codes(territories) -> set[str]:
    return set(
        TerritoryCommune.objects.filter(territory__in=territories).values_list(
            "commune_id", flat=True
        )
    )


def _groupement_sirens(territories) -> set[str]:
    return set(
        TerritoryMember.objects.filter(
            territory__in=territories, kind=TerritoryMember.Kind.GROUPEMENT
        ).values_list("siren", flat=True)
    )


def evolution(territory: Territory) -> Evolution:
    links = list(
        territory.predecessor_links.select_related("predecessor")
        .defer(*_PREDECESSOR_POLYGONS)
        .order_by("-shared_communes")
    )
    result = Evolution(predecessors=links)
    if not links:
        return result
    previous = [link.predecessor for link in links]
    own_communes, old_communes = _commune_codes([territory]), _commune_codes(previous)
    own_members, old_members = _groupement_sirens([territory]), _groupement_sirens(previous)
    communes = Commune.objects.order_by("name")
    result.communes_added = list(communes.filter(code__in=own_communes - old_communes))
    result.communes_removed = list(communes.filter(code__in=old_communes - own_communes))
    result.groupements_added = list(Groupement.objects.filter(siren__in=own_members - old_members))
    result.groupements_removed = list(
        Groupement.objects.filter(siren__in=old_members - own_members)
    )
    return result


def successors(territory: Territory) -> list[Lineage]:
    return list(
        territory.successor_links.select_related("successor")
        .defer("successor__geometry", "successor__geometry_simplified")
        .order_by("-shared_communes")
    )


def members(territory: Territory) -> list[TerritoryMember]:
    return list(territory.members.order_by("-population", "name"))


def communes(territory: Territory) -> list[Commune]:
    return list(
        Commune.objects.filter(territory_links__territory=territory)
        .select_related("epci", "ept")
        .order_by("name", "code")
    )


def plan_summary(territory: Territory):
    """The last validated version of the action plan, by axis (plans.services.summary.PlanSummary);
    None when the plan was never validated. public sits above plans: a plain import."""
    return plan_summary_by_axis(territory)


def _clean(geometry) -> list:
    """Polygon parts above the sliver size, simplified for a small map."""
    parts = getattr(geometry, "geoms", [geometry])
    kept = [
        p
        for p in parts
        if p.geom_type == "Polygon"
        and p.area >= SLIVER_AREA
        and not p.buffer(-SLIVER_HALF_WIDTH).is_empty
    ]
    return [shapely.simplify(p, DIFFERENCE_TOLERANCE) for p in kept]


def map_features(territory: Territory) -> dict:
    """The territory, and what it gained or lost against its predecessors, as GeoJSON for its map.

    Computed on the full-precision polygons (the simplified ones of two phases do not share edges).
    """
    features = []
    if territory.geometry_simplified:
        features.append(
            {
                "type": "Feature",
                "geometry": territory.geometry_simplified,
                "properties": {"role": "territoire", "nom": territory.name},
            }
        )
    previous = [
        link.predecessor for link in territory.predecessor_links.select_related("predecessor")
    ]
    previous_shapes = [shape(p.geometry) for p in previous if p.geometry]
    if territory.geometry and previous_shapes:
        own = shape(territory.geometry)
        before = shapely.union_all(previous_shapes)
        # The two phases' polygons come from files of different dates: only draw a change that the
        # membership confirms (communes added or removed), never a boundary redrawn with the same communes.
        own_communes, old_communes = _commune_codes([territory]), _commune_codes(previous)
        changes = [
            ("ajout", own.difference(before), own_communes - old_communes),
            ("retrait", before.difference(own), old_communes - own_communes),
        ]
        for role, difference, changed_communes in changes:
            parts = _clean(difference) if changed_communes else []
            if parts:
                geometry = round_coordinates(mapping(shapely.MultiPolygon(parts)), 5)
                features.append(
                    {"type": "Feature", "geometry": geometry, "properties": {"role": role}}
                )
    return {"type": "FeatureCollection", "features": features}
