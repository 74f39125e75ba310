"""A team's « ordre de priorité » (routing within a level) and the team form's area fields."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import grant_role
from contacts.models import Level, Team
from contacts.services.requests import destination_team
from contacts.services.routing import route_commune
from contacts.tests import factories_requests as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_teams_of_meaux(real_data):
    territory = f.meaux_territory()
    binome = f.team(Level.TERRITOIRE, territory, "Binôme élu-industriel", ["binome@example.org"])
    project = f.team(Level.TERRITOIRE, territory, "Équipe projet", ["projet@example.org"])
    f.team(Level.DEPARTEMENT, f.meaux().departement, "Mission 77", ["dep@example.org"])
    return binome, project


def test_without_priorities_teams_of_a_level_keep_the_order_by_name(two_teams_of_meaux):
    binome, project = two_teams_of_meaux
    assert binome.priority == project.priority == 100
    names = [team.name for team in route_commune(f.meaux()).teams]
    assert names[:3] == ["Binôme élu-industriel", "Équipe projet", "Mission 77"]
    assert destination_team(f.meaux()) == binome


def test_the_lowest_priority_of_a_level_receives_the_request_first(two_teams_of_meaux):
    binome, project = two_teams_of_meaux
    Team.objects.filter(pk=project.pk).update(priority=10)
    names = [team.name for team in route_commune(f.meaux()).teams]
    assert names[:3] == ["Équipe projet", "Binôme élu-industriel", "Mission 77"]
    assert destination_team(f.meaux()) == project
    # The level still comes first: a département team ordered 0 stays after the territory's.
    Team.objects.filter(name="Mission 77").update(priority=0)
    assert [team.name for team in route_commune(f.meaux()).teams][2] == "Mission 77"


def _coordinator(client):
    user = f.user("coord-77@example.org")
    grant_role(user, Role.COORDINATEUR, departement_id="77")
    client.force_login(user)


def test_the_team_form_explains_the_one_area_and_edits_the_priority(client, two_teams_of_meaux):
    _coordinator(client)
    binome, _ = two_teams_of_meaux
    url = reverse("contacts:team_edit", args=[binome.pk])
    page = unescape(client.get(url).content.decode())
    assert "Zone couverte" in page
    assert "Une seule zone, celle du niveau choisi" in page
    area = page[page.index("Zone couverte") : page.index("</fieldset>")]
    assert "(Optionnel)" not in area
    assert "Pour une équipe de niveau « Département »." in area
    assert "Ordre de priorité" in page
    fields = {
        "level": "territoire",
        "territory": binome.territory_id,
        "name": binome.name,
        "organisation": binome.organisation,
        "priority": "20",
    }
    assert client.post(url, fields).status_code == 302
    binome.refresh_from_db()
    assert binome.priority == 20
    assert binome.history.first().priority == 20  # journalled
    # Left empty: back to the default. Out of range: a French error.
    assert client.post(url, {**fields, "priority": ""}).status_code == 302
    binome.refresh_from_db()
    assert binome.priority == 100
    refused = client.post(url, {**fields, "priority": "1000"})
    assert refused.status_code == 400
    assert "inférieure ou égale à 999" in unescape(refused.content.decode())


def test_a_national_team_covers_no_area(client, real_data):
    user = f.user("national@example.org")
    grant_role(user, Role.EQUIPE_NATIONALE)
    client.force_login(user)
    fields = {"level": "national", "region": "11", "name": "Nationale", "organisation": "ANCT"}
    response = client.post(reverse("contacts:team_create"), fields)
    assert response.status_code == 400 and not Team.objects.filter(name="Nationale").exists()
    assert "Laissez ce choix vide : une équipe nationale couvre tout le pays." in unescape(
        response.content.decode()
    )
    assert client.post(reverse("contacts:team_create"), {**fields, "region": ""}).status_code == 302
    assert Team.objects.get(name="Nationale").region_id is None
