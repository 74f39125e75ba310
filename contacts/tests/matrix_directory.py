"""The directory's rows of the permission matrix: team screens and the coverage page."""

from __future__ import annotations

from django.urls import reverse

from accounts.tests.matrix import COORDINATORS_IN, LEADS_IN, STAFF, Endpoint

# Whoever manages some scope reaches the list and the creation form (showing only that scope).
DIRECTORY = (
    STAFF
    | COORDINATORS_IN
    | LEADS_IN
    | frozenset(
        {"coordinateur-region-hors", "coordinateur-departement-hors", "chef-de-projet-hors"}
    )
)
TERRITORY_TEAM = STAFF | COORDINATORS_IN | LEADS_IN
# The world's territory has one région, which holds its principal département.
DEPARTEMENT_TEAM = STAFF | COORDINATORS_IN
REGION_TEAM = STAFF | frozenset({"coordinateur-region"})


def _team(level: str):
    def setup(world):
        from contacts.models import Team, TeamMember

        area = {
            "territoire": {"territory": world.territory},
            "departement": {"departement": world.territory.principal_departement},
            "region": {"region": world.territory.regions.get()},
            "national": {},
        }[level]
        team = Team.objects.create(
            level=level, name="Équipe de la matrice", organisation="Organisation", **area
        )
        TeamMember.objects.create(team=team, name="Membre", email="membre@matrice.test")
        return team

    return setup


def _team_url(name: str, member: bool = False):
    def build(world, team):
        args = [team.pk, team.members.get().pk] if member else [team.pk]
        return reverse(f"contacts:{name}", args=args)

    return build


def _team_data(world, team) -> dict:
    return {
        "level": team.level,
        "territory": team.territory_id or "",
        "departement": team.departement_id or "",
        "region": team.region_id or "",
        "name": "Équipe renommée",
        "organisation": team.organisation,
    }


def _team_name(world, team):
    from contacts.models import Team

    return Team.objects.get(pk=team.pk).name


def _member_data(world, team) -> dict:
    return {"name": "Nouveau nom", "role_title": "", "email": "nouveau@matrice.test", "phone": ""}


def _members(world, team):
    return sorted(team.members.values_list("name", "email"))


def _team_count(world, target):
    from contacts.models import Team

    return Team.objects.count()


def _new_territory_team(world, target) -> dict:
    return {
        "level": "territoire",
        "territory": world.territory.pk,
        "name": "Nouvelle équipe",
        "organisation": "Organisation",
    }


def _url(name: str):
    return lambda world, target: reverse(f"contacts:{name}")


ROWS = [
    Endpoint("contacts:team_list", "page", "GET", allowed=DIRECTORY, url=_url("team_list")),
    Endpoint("contacts:team_create", "page", "GET", allowed=DIRECTORY, url=_url("team_create")),
    Endpoint(
        "contacts:team_create",
        "page",
        "POST",
        allowed=TERRITORY_TEAM,
        url=_url("team_create"),
        data=_new_territory_team,
        state=_team_count,
        label="territoire",
    ),
    Endpoint(
        "contacts:team_edit",
        "page",
        "GET",
        allowed=TERRITORY_TEAM,
        url=_team_url("team_edit"),
        setup=_team("territoire"),
    ),
]
for _level, _allowed in (
    ("territoire", TERRITORY_TEAM),
    ("departement", DEPARTEMENT_TEAM),
    ("region", REGION_TEAM),
    ("national", STAFF),
):
    ROWS.append(
        Endpoint(
            "contacts:team_edit",
            "page",
            "POST",
            allowed=_allowed,
            url=_team_url("team_edit"),
            setup=_team(_level),
            data=_team_data,
            state=_team_name,
            label=_level,
        )
    )
    ROWS.append(
        Endpoint(
            "contacts:member_add",
            "page",
            "POST",
            allowed=_allowed,
            url=_team_url("member_add"),
            setup=_team(_level),
            data=_member_data,
            state=_members,
            label=_level,
        )
    )
ROWS += [
    Endpoint(
        "contacts:member_add",
        "page",
        "GET",
        allowed=TERRITORY_TEAM,
        url=_team_url("member_add"),
        setup=_team("territoire"),
    ),
    Endpoint(
        "contacts:member_edit",
        "page",
        "GET",
        allowed=TERRITORY_TEAM,
        url=_team_url("member_edit", member=True),
        setup=_team("territoire"),
    ),
    Endpoint(
        "contacts:member_edit",
        "page",
        "POST",
        allowed=TERRITORY_TEAM,
        url=_team_url("member_edit", member=True),
        setup=_team("territoire"),
        data=_member_data,
        state=_members,
    ),
    Endpoint(
        "contacts:member_delete",
        "page",
        "POST",
        allowed=TERRITORY_TEAM,
        url=_team_url("member_delete", member=True),
        setup=_team("territoire"),
        state=_members,
    ),
    Endpoint("contacts:coverage", "page", "GET", allowed=STAFF, url=_url("coverage")),
]
