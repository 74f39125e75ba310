"""The public contacts block: teams most local first, public members only, and no leak anywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.models import Level, Team, TeamMember
from territories.models import Territory

pytestmark = pytest.mark.django_db

# Every field of this member is distinctive, so that any trace of it in an answer is found.
SECRET = {
    "name": "Zéphyrin Quasimodo-Confidentiel",
    "role_title": "Fonction-Secrète-Xq",
    "email": "zz.secret.xq@cache.example.org",
    "phone": "09 87 65 43 21",
}
SECRET_TRACES = [*SECRET.values(), "zz.secret.xq", "Quasimodo", "-Xq", "98 76 54 32"]


@pytest.fixture
def directory(real_data):
    territory = Territory.objects.get(ti_id="ti-1108", phase_id="2023-2027")
    teams = {
        "territoire": Team.objects.create(
            level=Level.TERRITOIRE, territory=territory, name="Équipe projet Alpha",
            organisation="Organisation Alpha",
        ),
        "departement": Team.objects.create(
            level=Level.DEPARTEMENT, departement_id="77", name="Mission Bravo",
            organisation="Département Bravo",
        ),
        "region": Team.objects.create(
            level=Level.REGION, region_id="11", name="Service Charlie",
            organisation="Région Charlie",
        ),
        "national": Team.objects.create(
            level=Level.NATIONAL, name="Équipe nationale Delta", organisation="ANCT Delta"
        ),
    }  # fmt: skip
    TeamMember.objects.create(
        team=teams["territoire"],
        name="Publique Echo",
        role_title="Cheffe de projet",
        email="echo@example.org",
        phone="01 11 11 11 11",
        public=True,
    )
    # The département's team has only a non-public member; the territory's has one too.
    TeamMember.objects.create(team=teams["departement"], public=False, **SECRET)
    TeamMember.objects.create(
        team=teams["territoire"],
        public=False,
        **{**SECRET, "email": "autre." + SECRET["email"]},
    )
    return teams


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _contacts_section(html: str) -> str:
    start = html.index('id="contacts-titre"')
    return html[start : html.index("</section>", start)]


def test_commune_page_lists_teams_most_local_first_with_public_members(client, directory):
    section = _contacts_section(_html(client, reverse("public:commune", args=["77284"])))
    order = [
        section.index(name)
        for name in ("Équipe projet Alpha", "Mission Bravo", "Service Charlie", "Équipe nationale")
    ]
    assert order == sorted(order)
    assert "Publique Echo" in section and "mailto:echo@example.org" in section
    assert "01 11 11 11 11" in section
    # A team with no public member: its name and organisation, and a plain sentence.
    assert "Département Bravo" in section and "Coordonnées nominatives non publiées" in section


def test_areas_pages_show_their_teams(client, directory):
    departement = _contacts_section(_html(client, reverse("public:departement", args=["77"])))
    assert "Mission Bravo" in departement and "Service Charlie" in departement
    assert "Équipe projet Alpha" not in departement  # a territory team covers its territory only
    region = _contacts_section(_html(client, reverse("public:region", args=["11"])))
    assert "Service Charlie" in region and "Mission Bravo" not in region
    territory = _contacts_section(
        _html(client, reverse("public:territory", args=["2023-2027", "ti-1108"]))
    )
    assert territory.index("Équipe projet Alpha") < territory.index("Mission Bravo")


def test_commune_outside_territories_still_gets_departement_and_region(client, directory):
    from geo.models import Commune

    commune = (
        Commune.objects.filter(departement_id="77")
        .exclude(territory_links__territory__phase_id="2023-2027")
        .order_by("code")
        .first()
    )
    section = _contacts_section(_html(client, reverse("public:commune", args=[commune.code])))
    assert "Mission Bravo" in section and "Service Charlie" in section
    assert "Équipe projet Alpha" not in section


def test_nothing_private_leaks(client, directory):
    from geo.models import Commune

    meaux = Commune.objects.get(code="77284")
    urls = [
        reverse("public:home"),
        reverse("public:commune", args=["77284"]),
        reverse("public:territory", args=["2023-2027", "ti-1108"]),
        reverse("public:departement", args=["77"]),
        reverse("public:region", args=["11"]),
        reverse("public:site-plan"),
        reverse("public:sitemap"),
        reverse("api:teams") + "?commune=77284",  # the API's routing answer (api/v1/teams.py)
    ]
    if meaux.epci_id:
        urls.append(reverse("public:groupement", args=[meaux.epci_id]))
    searches = []
    for query in ("Zéphyrin", "Quasimodo", "zz.secret.xq", "Fonction-Secrète"):
        searches += [
            reverse("public:search") + f"?q={query}",
            reverse("api:search") + f"?q={query}",
        ]
    for url in urls + searches:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        # A search page echoes its query (a part of a value): there, the whole values are sought.
        # (and their ASCII parts, in case a JSON answer escapes the accents).
        whole = [*SECRET.values(), "Quasimodo-Confidentiel", "-Xq"]
        for trace in whole if url in searches else SECRET_TRACES:
            assert trace not in body, f"{trace!r} dans {url}"
    # The positive control: the same pages do show the public member.
    assert "Publique Echo" in _html(client, reverse("public:commune", args=["77284"]))
