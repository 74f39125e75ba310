"""Reads of the directory: the public teams of a page, and the teams a person manages.

``public_contacts(obj)`` is the one source of the contacts block of the commune, territory,
département and région pages (public/templates/public/includes/contacts.html): teams most local
first, through the routing service, with **public members only** (``public_only=True``). A team none
of whose members is public still shows its name and organisation, so a visitor knows whom to ask for,
and the contact form reaches it; nothing of its non-public members is ever rendered.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Role, RoleAssignment
from accounts.permissions import is_staff_reader
from contacts.models import Level, Team
from contacts.services.routing import latest_phase, route_commune, teams_for_area
from geo.models import Commune, Departement, Region
from territories.models import Territory


def public_teams(obj) -> list[Team]:
    """The teams covering a Commune, Territory, Departement or Region, public members only."""
    if isinstance(obj, Commune):
        return route_commune(obj, public_only=True).teams
    if isinstance(obj, Territory):
        return teams_for_area(
            territories=[obj],
            departements=list(obj.departements.values_list("code", flat=True)),
            regions=list(obj.regions.values_list("code", flat=True)),
            public_only=True,
        )
    if isinstance(obj, Departement):
        return teams_for_area(departements=[obj.code], regions=[obj.region_id], public_only=True)
    if isinstance(obj, Region):
        return teams_for_area(regions=[obj.code], public_only=True)
    return []


def public_contacts(obj) -> dict:
    """The template context of the public contacts block (``contact_teams``)."""
    return {"contact_teams": public_teams(obj)}


# --- management scope ------------------------------------------------------------------------------------


def managed_scope(user) -> dict:
    """What ``user`` may manage teams for: querysets of territories (latest phase for staff),
    départements and régions, and whether the national level. The same rules as contacts.manage_team."""
    if is_staff_reader(user):
        phase = latest_phase()
        return {
            "territories": Territory.objects.filter(phase=phase),
            "departements": Departement.objects.all(),
            "regions": Region.objects.all(),
            "national": True,
        }
    roles = RoleAssignment.objects.filter(user=user, active=True) if user.is_authenticated else []
    territories, departements, regions = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for role in roles:
        if role.role == Role.CHEF_DE_PROJET and role.territory_id:
            territories |= Q(pk=role.territory_id)
        elif role.role == Role.COORDINATEUR:
            in_phase = Q(phase_id=role.phase_id) if role.phase_id else Q()
            if role.region_id:
                territories |= Q(regions=role.region_id) & in_phase
                departements |= Q(region_id=role.region_id)
                regions |= Q(pk=role.region_id)
            if role.departement_id:
                territories |= Q(departements=role.departement_id) & in_phase
                departements |= Q(pk=role.departement_id)
    return {
        "territories": Territory.objects.filter(
            pk__in=Territory.objects.filter(territories).values("pk")
        ),
        "departements": Departement.objects.filter(departements),
        "regions": Region.objects.filter(regions),
        "national": False,
    }


def managed_teams(user):
    """The teams ``user`` manages, most local level first."""
    scope = managed_scope(user)
    teams = Team.objects.select_related("territory", "departement", "region").defer(
        "territory__geometry", "territory__geometry_simplified"
    )
    if not scope["national"]:
        teams = teams.filter(
            Q(level=Level.TERRITOIRE, territory__in=scope["territories"])
            | Q(level=Level.DEPARTEMENT, departement__in=scope["departements"])
            | Q(level=Level.REGION, region__in=scope["regions"])
        )
    return teams.order_by("level", "name", "pk")
