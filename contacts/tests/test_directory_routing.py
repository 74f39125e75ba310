"""Routing by commune on the real registry, `territoires route`, `territoires couverture`, demo."""

from __future__ import annotations

import json

import pytest
from django.db.models import Count

from contacts.models import Level, Team, TeamMember
from contacts.services.coverage import coverage
from contacts.services.demo import load_demo_contacts
from contacts.services.requests import destination_team
from contacts.services.routing import route_commune
from geo.models import Commune, Departement, Region
from territories.models import Phase, Territory, TerritoryCommune

pytestmark = pytest.mark.django_db

LATEST = "2023-2027"


def _team(level, name, **area) -> Team:
    team = Team.objects.create(level=level, name=name, organisation=f"Organisation {name}", **area)
    TeamMember.objects.create(
        team=team, name=f"Membre {name}", email=f"{name.lower()}@example.org", public=True
    )
    return team


def _territory(ti_id: str, phase: str = LATEST) -> Territory:
    return Territory.objects.get(ti_id=ti_id, phase_id=phase)


@pytest.fixture
def national(real_data):
    return _team(Level.NATIONAL, "Nationale")


def test_meaux_goes_to_its_territory_then_departement_region_national(national):
    meaux = Commune.objects.get(code="77284")
    territory = _territory("ti-1108")
    assert meaux in territory.communes.all()  # the registry, not this test, puts Meaux in ti-1108
    # Built in the reverse order: the route orders them, not the creation.
    region = _team(Level.REGION, "Region", region_id="11")
    departement = _team(Level.DEPARTEMENT, "Departement", departement_id="77")
    local = _team(Level.TERRITOIRE, "Territoire", territory=territory)
    _team(Level.DEPARTEMENT, "Voisin", departement_id="93")
    older = Territory.objects.filter(communes=meaux).exclude(phase_id=LATEST).first()
    if older:
        _team(Level.TERRITOIRE, "Ancienne", territory=older)
    route = route_commune(meaux)
    assert route.teams == [local, departement, region, national]
    assert route.first_team == local


def test_phase_option_uses_that_phases_territories(national):
    meaux = Commune.objects.get(code="77284")
    older = Territory.objects.filter(communes=meaux).exclude(phase_id=LATEST).first()
    if older is None:
        pytest.skip("Meaux n'est dans aucun territoire d'une phase antérieure")
    old_team = _team(Level.TERRITOIRE, "Ancienne", territory=older)
    assert route_commune(meaux, phase=older.phase).teams == [old_team, national]
    assert route_commune(meaux).teams == [national]


def test_commune_in_two_territories_gets_both_teams(national):
    # None in 2023-2027 (measured on the real files); an earlier phase's overlap is routed the same way.
    for phase in Phase.objects.order_by("-number"):
        shared = (
            TerritoryCommune.objects.filter(territory__phase=phase)
            .values("commune")
            .annotate(count=Count("territory"))
            .filter(count__gt=1)
            .order_by("commune")
            .first()
        )
        if shared:
            break
    else:
        pytest.skip("aucune commune n'est dans deux territoires d'une même phase")
    commune = Commune.objects.get(code=shared["commune"])
    territories = list(Territory.objects.filter(phase=phase, communes=commune).order_by("ti_id"))
    assert len(territories) >= 2
    teams = [_team(Level.TERRITOIRE, f"T{i}", territory=t) for i, t in enumerate(territories)]
    route = route_commune(commune, phase=phase)
    assert set(route.teams[: len(teams)]) == set(teams)
    assert route.teams[-1] == national


def test_commune_outside_every_territory_gets_departement_and_region(national):
    commune = (
        Commune.objects.exclude(territory_links__territory__phase_id=LATEST)
        .filter(departement_id="77")
        .order_by("code")
        .first()
    )
    assert commune is not None
    departement = _team(Level.DEPARTEMENT, "Departement", departement_id="77")
    region = _team(Level.REGION, "Region", region_id="11")
    route = route_commune(commune)
    assert route.territories == []
    assert route.teams == [departement, region, national]


def test_overseas_commune(national):
    commune = Commune.objects.get(code="97411")  # Saint-Denis, La Réunion
    assert (commune.departement_id, commune.region_id) == ("974", "04")
    departement = _team(Level.DEPARTEMENT, "Reunion", departement_id="974")
    _team(Level.DEPARTEMENT, "Guadeloupe", departement_id="971")
    route = route_commune(commune)
    assert route.teams[0] == departement and route.teams[-1] == national
    assert all(t.level != Level.DEPARTEMENT or t.departement_id == "974" for t in route.teams)


def test_no_team_at_all_gives_an_empty_route(real_data):
    assert route_commune(Commune.objects.get(code="77284")).teams == []


def test_public_only_hides_non_public_members(national):
    team = _team(Level.DEPARTEMENT, "Departement", departement_id="77")
    TeamMember.objects.create(team=team, name="Caché", email="cache@example.org", public=False)
    route = route_commune(Commune.objects.get(code="77284"), public_only=True)
    names = [m.name for t in route.teams for m in t.members.all()]
    assert "Caché" not in names and "Membre Departement" in names


def test_route_command_json_shape(national, shell):
    team = _team(Level.TERRITOIRE, "Territoire", territory=_territory("ti-1108"))
    TeamMember.objects.create(
        team=team, name="Non public", role_title="Agent", email="np@example.org", public=False
    )
    code, out, err = shell("route", "--commune", "Meaux", "--format", "json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["commune"] == {"code": "77284", "nom": "Meaux"}
    assert [(t["niveau"], t["code"]) for t in answer["equipes"]] == [
        ("territoire", "ti-1108"),
        ("national", None),
    ]
    first = answer["equipes"][0]
    assert set(first) == {"niveau", "code", "nom", "organisation", "membres"}
    # The CLI is an operator's tool: every member, with its public flag.
    assert first["membres"] == [
        {"nom": "Membre Territoire", "fonction": "", "email": "territoire@example.org",
         "telephone": "", "public": True},
        {"nom": "Non public", "fonction": "Agent", "email": "np@example.org",
         "telephone": "", "public": False},
    ]  # fmt: skip
    code, out, err = shell("route", "--commune", "77284")
    assert code == 0 and "ti-1108" in out and "Nationale" in out
    code, out, err = shell("route", "--commune", "Nulle-Part-Sur-Mer")
    assert code == 1 and "Aucune commune" in err
    code, out, err = shell("route", "--commune", "77284", "--phase", "1999-2000")
    assert code == 1 and "Phase inconnue" in err


def test_coverage(real_data, shell):
    phase = Phase.objects.get(code=LATEST)
    before = coverage()
    assert before.national is False and before.complete is False
    assert len(before.territories) == Territory.objects.filter(phase=phase).count()
    assert len(before.departements) == Departement.objects.count()
    _team(Level.TERRITOIRE, "Territoire", territory=_territory("ti-1108"))
    _team(Level.DEPARTEMENT, "Departement", departement_id="77")
    _team(Level.REGION, "Region", region_id="11")
    _team(Level.NATIONAL, "Nationale")
    empty = Team.objects.create(level=Level.REGION, region_id="84", name="Vide", organisation="O")
    after = coverage()
    assert "ti-1108" not in [t.ti_id for t in after.territories]
    assert len(after.territories) == len(before.territories) - 1
    assert "77" not in [d.code for d in after.departements]
    assert {"11", "84"}.isdisjoint(r.code for r in after.regions)
    assert after.unreachable == [empty] and after.national
    code, out, err = shell("couverture", "--format", "json")
    data = json.loads(out)
    assert data["equipes_sans_destinataire"] == [
        {"niveau": "region", "code": "84", "nom": "Vide", "organisation": "O"}
    ]
    assert data["regions_sans_equipe"] == [
        {"code": r.code, "nom": r.name}
        for r in Region.objects.exclude(code__in=["11", "84"]).order_by("code")
    ]
    code, out, err = shell("couverture")
    assert code == 0 and "Vide" in out and "Régions sans équipe" in out


def test_demo_contacts_is_idempotent_and_fictitious(real_data, shell):
    code, out, err = shell("demo-contacts")
    assert code == 0, err
    counts = (Team.objects.count(), TeamMember.objects.count())
    load_demo_contacts()
    assert (Team.objects.count(), TeamMember.objects.count()) == counts
    assert counts[0] == 6 + 12  # six local and national teams, twelve other mainland régions
    for member in TeamMember.objects.all():
        assert member.name.startswith("[Exemple] ") and member.email.endswith("@example.org")
    assert all(team.name.startswith("[Exemple]") for team in Team.objects.all())
    assert {True, False} == set(TeamMember.objects.values_list("public", flat=True))
    route = route_commune(Commune.objects.get(code="77284"))
    assert [t.level for t in route.teams][0] == "territoire"
    assert route.teams[-1].level == "national"
    # A request from Meaux goes to the project team, not to the binôme (same level).
    assert destination_team(Commune.objects.get(code="77284")).name == "[Exemple] Équipe projet"
