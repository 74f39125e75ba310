"""Routing by commune: which teams a request from a commune goes to, most local first.

The one implementation behind `territoires route`, the commune/territory/département/région pages and
the contact form: the territory's teams (latest phase unless asked), then the département's, then the
région's, then the national team last. A commune outside every territory still gets its département's
and région's teams, and the national team always closes the list: a request is never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from contacts.models import Level, Team, TeamMember
from geo.models import Commune
from territories.models import Phase, Territory
from territories.services.lookup import territories_of_commune


@dataclass
class Route:
    commune: Commune
    phase: Phase | None
    territories: list[Territory] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)  # most local first, national last

    @property
    def first_team(self) -> Team | None:
        return self.teams[0] if self.teams else None


def latest_phase() -> Phase | None:
    return Phase.objects.order_by("-number").first()


def _with_members(teams, public_only: bool):
    members = TeamMember.objects.order_by("name", "id")
    if public_only:
        members = members.filter(public=True)
    # The areas' contours are megabytes of JSON that no list of teams shows.
    return (
        teams.select_related("territory__phase", "departement", "region")
        .defer(
            "territory__geometry",
            "territory__geometry_simplified",
            "departement__geometry",
            "region__geometry",
        )
        .prefetch_related(Prefetch("members", queryset=members))
    )


def teams_for_area(
    *,
    territories=(),
    departements=(),
    regions=(),
    national: bool = True,
    public_only: bool = False,
) -> list[Team]:
    """The teams covering these areas, ordered territory, département, région, national; within a
    level by priority (lowest first), then name."""
    cover = Q(level=Level.TERRITOIRE, territory__in=list(territories))
    cover |= Q(level=Level.DEPARTEMENT, departement__in=list(departements))
    cover |= Q(level=Level.REGION, region__in=list(regions))
    if national:
        cover |= Q(level=Level.NATIONAL)
    teams = list(_with_members(Team.objects.filter(cover), public_only))
    rank = {level: position for position, level in enumerate(Level.values)}
    return sorted(teams, key=lambda team: (rank[team.level], team.priority, team.name, team.pk))


def route_commune(commune: Commune, phase: Phase | None = None, public_only: bool = False) -> Route:
    """The teams a request about ``commune`` goes to (``phase``: the territories' phase, else latest)."""
    phase = phase or latest_phase()
    territories = territories_of_commune(commune, phase) if phase else []
    teams = teams_for_area(
        territories=territories,
        departements=[commune.departement_id],
        regions=[commune.region_id],
        public_only=public_only,
    )
    return Route(commune=commune, phase=phase, territories=territories, teams=teams)


def team_code(team: Team) -> str | None:
    """The code of what a team covers: a territory id, a département or région code, None if national."""
    if team.level == Level.TERRITOIRE:
        return team.territory.ti_id if team.territory_id else None
    if team.level == Level.DEPARTEMENT:
        return team.departement_id
    if team.level == Level.REGION:
        return team.region_id
    return None


def route_json(route: Route) -> dict:
    """The stable JSON answer of ``territoires route`` (docs/contacts.md)."""
    return {
        "commune": {"code": route.commune.code, "nom": route.commune.name},
        "equipes": [
            {
                "niveau": team.level,
                "code": team_code(team),
                "nom": team.name,
                "organisation": team.organisation,
                "membres": [
                    {
                        "nom": member.name,
                        "fonction": member.role_title,
                        "email": member.email,
                        "telephone": member.phone,
                        "public": member.public,
                    }
                    for member in team.members.all()
                ],
            }
            for team in route.teams
        ],
    }
