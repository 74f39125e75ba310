"""Team screens: what each person sees of the directory, creating and editing, the journal."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import grant_role
from contacts.models import Level, Team, TeamMember
from contacts.permissions import is_team_member
from territories.models import Territory

pytestmark = pytest.mark.django_db


def _user(email, role=None, **scope):
    user = get_user_model().objects.create_user(username=email, email=email, password="x" * 16)
    if role:
        grant_role(user, role, **scope)
        user.refresh_from_db()
    return user


@pytest.fixture
def teams(real_data):
    meaux = Territory.objects.get(ti_id="ti-1108", phase_id="2023-2027")
    lyon = Territory.objects.filter(phase_id="2023-2027", departements="69").order_by("ti_id")[0]
    made = {
        "meaux": Team.objects.create(
            level=Level.TERRITOIRE, territory=meaux, name="Équipe Meaux", organisation="O"
        ),
        "77": Team.objects.create(
            level=Level.DEPARTEMENT, departement_id="77", name="Mission 77", organisation="O"
        ),
        "idf": Team.objects.create(
            level=Level.REGION, region_id="11", name="Service IDF", organisation="O"
        ),
        "lyon": Team.objects.create(
            level=Level.TERRITOIRE, territory=lyon, name="Équipe Rhône", organisation="O"
        ),
        "national": Team.objects.create(level=Level.NATIONAL, name="Nationale", organisation="O"),
    }
    TeamMember.objects.create(team=made["lyon"], name="Hors Périmètre", email="hors@example.org")
    return made


def _listed(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("contacts:team_list"))
    assert response.status_code == 200
    return response.content.decode()


def test_each_person_lists_only_the_teams_of_its_scope(client, teams):
    lead = _user("lead@example.org", Role.CHEF_DE_PROJET, territory=teams["meaux"].territory)
    page = _listed(client, lead)
    assert "Équipe Meaux" in page
    for other in ("Mission 77", "Service IDF", "Équipe Rhône", "Nationale"):
        assert other not in page
    coordinator = _user("coord@example.org", Role.COORDINATEUR, departement_id="77")
    page = _listed(client, coordinator)
    assert "Équipe Meaux" in page and "Mission 77" in page
    assert "Service IDF" not in page and "Équipe Rhône" not in page
    regional = _user("region@example.org", Role.COORDINATEUR, region_id="11")
    page = _listed(client, regional)
    assert all(name in page for name in ("Équipe Meaux", "Mission 77", "Service IDF"))
    assert "Équipe Rhône" not in page and "Nationale" not in page
    national = _user("nat@example.org", Role.EQUIPE_NATIONALE)
    page = _listed(client, national)
    assert all(t.name in page for t in teams.values())


def test_a_project_lead_cannot_open_another_territorys_team(client, teams):
    lead = _user("lead@example.org", Role.CHEF_DE_PROJET, territory=teams["meaux"].territory)
    client.force_login(lead)
    response = client.get(reverse("contacts:team_edit", args=[teams["lyon"].pk]))
    assert response.status_code == 403
    assert "Hors Périmètre" not in response.content.decode()


def test_the_creation_form_offers_only_the_scope(client, teams):
    lead = _user("lead@example.org", Role.CHEF_DE_PROJET, territory=teams["meaux"].territory)
    client.force_login(lead)
    page = client.get(reverse("contacts:team_create")).content.decode()
    assert "ti-1108" in page and teams["lyon"].territory.ti_id not in page
    assert 'value="national"' not in page
    # Posting another territory anyway: refused, nothing created.
    response = client.post(
        reverse("contacts:team_create"),
        {
            "level": "territoire",
            "territory": teams["lyon"].territory.pk,
            "name": "Intruse",
            "organisation": "O",
        },
    )
    assert response.status_code == 403 and not Team.objects.filter(name="Intruse").exists()
    fields = {
        "level": "territoire",
        "territory": teams["meaux"].territory.pk,
        "departement": "77",  # refused: the level says territory
        "name": "Binôme",
        "organisation": "CA Pays de Meaux",
    }
    response = client.post(reverse("contacts:team_create"), fields)
    assert response.status_code == 400 and not Team.objects.filter(name="Binôme").exists()
    assert (
        "Laissez ce choix vide : une équipe de niveau « Territoire » couvre un territoire seulement."
        in unescape(response.content.decode())
    )
    response = client.post(reverse("contacts:team_create"), {**fields, "departement": ""})
    created = Team.objects.get(name="Binôme")
    assert response.status_code == 302 and created.departement_id is None
    assert created.territory == teams["meaux"].territory
    again = client.post(
        reverse("contacts:team_create"),
        {
            "level": "territoire",
            "territory": created.territory.pk,
            "name": "Binôme",
            "organisation": "O",
        },
    )
    assert again.status_code == 400 and Team.objects.filter(name="Binôme").count() == 1
    assert "Une équipe de ce nom couvre déjà ce périmètre" in again.content.decode()
    response = client.post(
        reverse("contacts:team_create"), {"level": "territoire", "name": "X", "organisation": "O"}
    )
    assert response.status_code == 400
    assert (
        "Choisissez le territoire que couvre l'équipe : une équipe de niveau « Territoire » couvre "
        "un territoire." in unescape(response.content.decode())
    )


def test_members_are_added_edited_removed_and_journalled(client, teams):
    coordinator = _user("coord@example.org", Role.COORDINATEUR, departement_id="77")
    client.force_login(coordinator)
    team = teams["77"]
    add = reverse("contacts:member_add", args=[team.pk])
    response = client.post(
        add,
        {"name": "Nina Bleu", "role_title": "Chargée", "email": "Nina@Example.org", "phone": ""},
    )
    assert response.status_code == 302
    member = team.members.get()
    assert (member.email, member.public) == ("nina@example.org", False)
    duplicate = client.post(add, {"name": "Autre", "email": "NINA@example.org"})
    assert duplicate.status_code == 400
    assert "déjà celle d&#x27;un membre" in duplicate.content.decode()
    edit = reverse("contacts:member_edit", args=[team.pk, member.pk])
    response = client.post(
        edit,
        {"name": "Nina Bleu", "role_title": "Cheffe", "email": "nina@example.org", "public": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role_title, member.public) == ("Cheffe", True)
    page = client.get(reverse("contacts:team_edit", args=[team.pk])).content.decode()
    assert "Historique" in page and "Cheffe" in page
    assert member.history.first().history_user == coordinator
    # A member of another team cannot be reached through this team's URL.
    other = teams["lyon"].members.get()
    response = client.post(reverse("contacts:member_delete", args=[team.pk, other.pk]))
    assert response.status_code == 404 and TeamMember.objects.filter(pk=other.pk).exists()
    response = client.post(reverse("contacts:member_delete", args=[team.pk, member.pk]))
    assert response.status_code == 302 and not team.members.exists()
    assert TeamMember.history.filter(id=member.pk, history_type="-").get().history_user == (
        coordinator
    )
    # The removal stays on the team's page, with who did it (the global journal is not theirs).
    page = unescape(client.get(reverse("contacts:team_edit", args=[team.pk])).content.decode())
    rows = page.split("Historique", 1)[1].split("<tr")
    removal = [row for row in rows if "Suppression" in row]
    assert len(removal) == 1
    assert "coord@example.org" in removal[0] and "Nina Bleu" in removal[0]


def test_a_members_phone_must_be_a_number_as_on_the_contact_form(client, teams):
    client.force_login(_user("coord@example.org", Role.COORDINATEUR, departement_id="77"))
    add = reverse("contacts:member_add", args=[teams["77"].pk])
    member = {"name": "Nina Bleu", "email": "nina@example.org", "public": "on"}
    refused = client.post(add, {**member, "phone": "<script>alert(1)</script>"})
    assert refused.status_code == 400
    assert "Un numéro de téléphone : chiffres, espaces" in unescape(refused.content.decode())
    assert not teams["77"].members.exists()
    assert client.post(add, {**member, "phone": "+33 1 23 45 67 89"}).status_code == 302
    assert teams["77"].members.get().phone == "+33 1 23 45 67 89"


def test_a_team_cannot_be_moved_out_of_scope(client, teams):
    lead = _user("lead@example.org", Role.CHEF_DE_PROJET, territory=teams["meaux"].territory)
    client.force_login(lead)
    team = teams["meaux"]
    response = client.post(
        reverse("contacts:team_edit", args=[team.pk]),
        {"level": "departement", "departement": "77", "name": team.name, "organisation": "O"},
    )
    assert response.status_code == 403
    team.refresh_from_db()
    assert team.level == Level.TERRITOIRE


def test_coverage_page_for_the_national_team_only(client, teams):
    client.force_login(_user("nat@example.org", Role.EQUIPE_NATIONALE))
    page = client.get(reverse("contacts:coverage")).content.decode()
    # Teams with no member: named with a link.
    assert "Équipe Meaux" in page and "Équipe Rhône" not in page.split("Équipes sans membre")[1]
    client.force_login(_user("coord@example.org", Role.COORDINATEUR, departement_id="77"))
    assert client.get(reverse("contacts:coverage")).status_code == 403


def test_is_team_member(teams):
    team = teams["lyon"]
    user = _user("HORS@example.org")
    assert is_team_member(user, team)
    assert not is_team_member(user, teams["meaux"])
    user.is_active = False
    assert not is_team_member(user, team)
    assert not is_team_member(_user("autre@example.org"), team)
    assert not is_team_member(None, team) and not is_team_member(user, None)


def test_plan_page_block_for_those_who_manage_the_territorys_teams(client, teams):
    territory = teams["meaux"].territory
    plan_url = reverse("plans:detail", args=[territory.phase_id, territory.ti_id])
    client.force_login(_user("lead@example.org", Role.CHEF_DE_PROJET, territory=territory))
    page = client.get(plan_url).content.decode()
    assert "Équipes à contacter" in page and "Équipe Meaux" in page
    binome = _user("binome@example.org", Role.BINOME, territory=territory)
    client.force_login(binome)
    page = client.get(plan_url).content.decode()
    assert client.get(plan_url).status_code == 200 and "Équipes à contacter" not in page


def test_the_team_form_lists_open_on_french_prompts(client, teams):
    # Walk of 2026-12-04: the territory, département and région lists opened on « --------- ».
    lead = _user("prompts@example.org", Role.CHEF_DE_PROJET, territory=teams["meaux"].territory)
    client.force_login(lead)
    page = client.get(reverse("contacts:team_create")).content.decode()
    assert "---------" not in page
    for prompt in (
        "Choisissez un territoire",
        "Choisissez un département",
        "Choisissez une région",
    ):
        assert f">{prompt}</option>" in page
