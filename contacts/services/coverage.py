"""The coverage check (`territoires couverture`, the national team's page): where a request would
find no local team, and which teams could not be written to.

A commune is always routed somewhere (the national team closes every route), so "not covered" means:
a territory of the latest phase with no territory team, a département or a région with no team of its
level. A team "can receive email" when at least one member has a valid address: a team with no
member, or only invalid addresses, would leave its requests unread.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from contacts.models import Level, Team
from contacts.services.routing import latest_phase, team_code
from geo.models import Departement, Region
from territories.models import Territory


@dataclass
class Coverage:
    phase: str | None
    territories: list[Territory]
    departements: list[Departement]
    regions: list[Region]
    unreachable: list[Team]
    national: bool

    @property
    def complete(self) -> bool:
        return self.national and not (
            self.territories or self.departements or self.regions or self.unreachable
        )

    def as_json(self) -> dict:
        return {
            "phase": self.phase,
            "equipe_nationale": self.national,
            "territoires_sans_equipe": [{"id": t.ti_id, "nom": t.name} for t in self.territories],
            "departements_sans_equipe": [
                {"code": d.code, "nom": d.name} for d in self.departements
            ],
            "regions_sans_equipe": [{"code": r.code, "nom": r.name} for r in self.regions],
            "equipes_sans_destinataire": [
                {
                    "niveau": team.level,
                    "code": team_code(team),
                    "nom": team.name,
                    "organisation": team.organisation,
                }
                for team in self.unreachable
            ],
        }


def _reachable(team: Team) -> bool:
    for member in team.members.all():
        try:
            validate_email(member.email)
        except ValidationError:
            continue
        return True
    return False


def coverage() -> Coverage:
    phase = latest_phase()
    territories = (
        Territory.objects.filter(phase=phase)
        .exclude(contact_teams__isnull=False)
        .defer("geometry", "geometry_simplified")
        .order_by("ti_id")
        if phase
        else Territory.objects.none()
    )
    departements = (
        Departement.objects.filter(contact_teams__isnull=True).defer("geometry").order_by("code")
    )
    regions = Region.objects.filter(contact_teams__isnull=True).defer("geometry").order_by("code")
    teams = (
        Team.objects.select_related("territory", "departement", "region")
        .prefetch_related("members")
        .defer("territory__geometry", "territory__geometry_simplified")
    )
    unreachable = [team for team in teams.order_by("level", "name", "pk") if not _reachable(team)]
    rank = {level: position for position, level in enumerate(Level.values)}
    unreachable.sort(key=lambda team: (rank[team.level], team_code(team) or "", team.name))
    return Coverage(
        phase=phase.code if phase else None,
        territories=list(territories),
        departements=list(departements),
        regions=list(regions),
        unreachable=unreachable,
        national=Team.objects.filter(level=Level.NATIONAL).exists(),
    )
