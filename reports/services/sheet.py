"""What the territory sheet (« fiche territoire ») shows: public data only, the same for the HTML page
and the PDF. Every number comes from stats.services (reports/services/figures.py, the public's
figures); the rest from the services the public pages use (the published plan's action titles, the
public mobilisations, the public contacts), so the sheet never shows what the territory page hides."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from contacts.selectors import public_teams
from geo.models import Departement, Groupement, Region
from offers.selectors import territory_services
from plans.services.publication import published_plan
from public.services import territory_page
from territories.models import Territory

from . import figures
from .svgmap import locator_map, territory_map


@dataclass
class Sheet:
    territory: Territory
    departements: list
    regions: list
    members: list
    evolution: territory_page.Evolution
    successors: list
    published: object  # plans.services.publication.PublishedPlan | None
    actions: dict  # stats.services.actions.action_figures (public), for this territory
    money: dict  # stats.services.money.money_figures (public), for this territory
    groups: list  # [(Axis, [PublishedAction])], public actions of the validated version
    services: object  # offers.selectors.TerritoryServices
    contact_teams: list
    map: object  # svgmap.SvgMap | None
    locator: object  # svgmap.SvgMap | None: the principal région, the territory on it
    notes: list[str] = field(default_factory=list)

    @property
    def axis_rows(self) -> list[dict]:
        """``actions["par_axe_statut"]`` with its counts in the order of the status columns."""
        statuses = [code for code, _ in self.actions["statuts"]]
        return [
            {**row, "counts": [row["statuts"].get(code, 0) for code in statuses]}
            for row in self.actions["par_axe_statut"]
        ]


def get_territory(phase: str, ti_id: str) -> Territory:
    return get_object_or_404(
        Territory.objects.select_related("phase", "principal_region", "principal_departement")
        .defer("principal_region__geometry", "principal_departement__geometry")
        .prefetch_related(
            Prefetch("departements", Departement.objects.order_by("code")),
        ),
        phase_id=phase,
        ti_id=ti_id,
    )


def build_sheet(territory: Territory) -> Sheet:
    departements = list(territory.departements.all())
    published = published_plan(territory)
    numbers = figures.territory_figures(territory)
    return Sheet(
        territory=territory,
        departements=departements,
        regions=list(territory.regions.defer("geometry").order_by("name")),
        members=[(m, _nature(m.legal_nature)) for m in territory_page.members(territory)],
        evolution=territory_page.evolution(territory),
        successors=territory_page.successors(territory),
        published=published,
        # Every number from stats.services; the published plan gives the actions' titles only.
        actions=numbers["actions"],
        money=numbers["money"],
        groups=[(axis, actions) for axis, actions in published.by_axis() if actions]
        if published
        else [],
        services=territory_services(territory),
        contact_teams=public_teams(territory),
        map=territory_map(
            territory.geometry,
            [d.geometry for d in departements],
            f"Carte du périmètre du territoire {territory.name}",
        ),
        locator=_locator(territory),
    )


def _locator(territory: Territory):
    region = (
        Region.objects.filter(code=territory.principal_region_id).only("name", "geometry").first()
    )
    if region is None:
        return None
    return locator_map(
        region.geometry,
        territory.geometry,
        f"Situation du territoire {territory.name} dans la région {region.name}",
    )


def _nature(code: str) -> str:
    """« CA » → « Communauté d'agglomération »; a commune member (« COM ») → « Commune »."""
    if code == "COM":
        return "Commune"
    return dict(Groupement.Nature.choices).get(code, code)
