"""API v1: the service offer (/services), the public contacts (/equipes) and batches of points."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from contacts.models import Level, Team, TeamMember
from offers.tests.factories import make_operator, make_service
from territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(real_data):
    ademe = make_operator("Agence Alpha", slug="alpha", acronym="AA")
    other = make_operator("Banque Bravo", slug="bravo")
    territory = Territory.objects.get(phase_id="2023-2027", ti_id="ti-1108")
    return {
        "national": make_service("Foncier national", ademe, axes=["foncier"]),
        "idf": make_service(
            "Innovation francilienne",
            other,
            axes=["innovation"],
            scope="regions",
            regions=["11"],
            kind="financement",
            link="https://example.org/candidater",
        ),
        "nord": make_service(
            "Compétences du Nord", other, axes=["competences"], scope="regions", regions=["32"]
        ),
        "meaux": make_service(
            "Service du territoire", ademe, scope="territoires", territories=[territory]
        ),
        "closed": make_service("Service fermé", ademe, status="ferme"),
    }


def _catalogue_titles(client, query: str) -> list[str]:
    """The titles the public page /offre/ lists for ``query``, in its order (first page)."""
    html = client.get("/offre/?" + query).content.decode()
    return re.findall(r'<h3 class="fr-card__title">\s*<a[^>]*>([^<]+)</a>', html)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "axe=innovation",
        "operateur=alpha",
        "type=financement",
        "demandeur=territoire",
        "ouvert=on",
        "territoire=2023-2027/ti-1108",
        "commune=Meaux",
        "commune=59350",
        "q=FONCIER",
        "tri=operateur",
    ],
)
def test_services_are_the_catalogue_page_with_the_same_filters(client, services, query):
    answer = client.get("/api/v1/services?" + query)
    assert answer.status_code == 200
    titles = [s["titre"] for s in answer.json()["resultats"]]
    page_titles = _catalogue_titles(client, query)
    assert page_titles, "the catalogue page's cards were not found"
    assert titles == [t.strip() for t in page_titles]


def test_a_service_says_everything_the_issue_lists(client, services):
    (item,) = client.get("/api/v1/services?type=financement").json()["resultats"]
    assert item["id"] == services["idf"].slug and item["titre"] == "Innovation francilienne"
    assert item["operateur"]["id"] == "bravo" and item["operateur"]["nom"] == "Banque Bravo"
    assert item["axes"] == [{"code": "innovation", "libelle": "Innovation"}]
    assert item["type"] == {"code": "financement", "libelle": "Financement"}
    assert item["demandeurs"][0]["code"] == "territoire"
    assert item["perimetre"]["type"] == "regions"
    assert item["perimetre"]["regions"] == [{"code": "11", "nom": "Île-de-France"}]
    assert item["statut"]["code"] == "ouvert" and item["disponibilite"] == "Ouvert"
    assert item["lien"] == "https://example.org/candidater"
    assert item["source"] == "https://example.org/source"
    assert item["url"] == f"/offre/{services['idf'].slug}/"
    assert {"ouvert_le", "cloture_le", "phase"} <= item.keys()


def test_services_are_paginated_like_the_territories(client, services):
    first = client.get("/api/v1/services?taille=2").json()
    assert first["nombre"] == 5 and first["pages"] == 3 and len(first["resultats"]) == 2
    assert first["suivante"] == "/api/v1/services?taille=2&page=2"
    assert client.get("/api/v1/services?taille=2&page=9").status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [
        ("axe=espace", "Paramètre axe"),
        ("territoire=2023-2027/ti-9999", "Paramètre territoire"),
        ("commune=Saint-Martin", "Communes possibles"),
        ("tri=prix", "Paramètre tri"),
    ],
)
def test_bad_service_filters_are_refused_in_french(client, services, query, message):
    answer = client.get("/api/v1/services?" + query)
    assert answer.status_code == 400 and message in answer.json()["detail"]


@pytest.fixture
def teams(real_data):
    territory = Territory.objects.get(phase_id="2023-2027", ti_id="ti-1108")
    local = Team.objects.create(
        level=Level.TERRITOIRE, territory=territory, name="Équipe Meaux", organisation="Org"
    )
    national = Team.objects.create(
        level=Level.NATIONAL, name="Équipe nationale", organisation="ANCT"
    )
    TeamMember.objects.create(
        team=local, name="Publique Echo", role_title="Cheffe", email="echo@example.org",
        phone="01 11 11 11 11", public=True,
    )  # fmt: skip
    TeamMember.objects.create(
        team=local, name="Secret Zoulou", email="zoulou@example.org", public=False
    )
    return local, national


def test_teams_answer_the_routing_with_public_members_only(client, teams, call):
    answer = client.get("/api/v1/equipes?commune=77284").json()
    assert answer["commune"] == {"code": "77284", "nom": "Meaux"}
    assert [t["id"] for t in answer["territoires"]] == ["ti-1108"]
    assert [t["nom"] for t in answer["equipes"]] == ["Équipe Meaux", "Équipe nationale"]
    assert answer["equipes"][0]["membres"] == [
        {
            "nom": "Publique Echo",
            "fonction": "Cheffe",
            "email": "echo@example.org",
            "telephone": "01 11 11 11 11",
        }
    ]
    assert "Zoulou" not in json.dumps(answer) and "public" not in answer["equipes"][0]["membres"][0]
    # The same teams, in the same order, as `territoires route` (which shows every member).
    out, _ = call("route", "--commune", "77284", "--format", "json")
    assert [t["nom"] for t in json.loads(out)["equipes"]] == ["Équipe Meaux", "Équipe nationale"]


def test_teams_refuse_unknown_or_ambiguous_communes(client, teams):
    assert client.get("/api/v1/equipes").status_code == 400
    unknown = client.get("/api/v1/equipes?commune=99999")
    assert unknown.status_code == 404 and "Aucune commune" in unknown.json()["detail"]
    homonyms = client.get("/api/v1/equipes?commune=Saint-Martin").json()
    assert len(homonyms["candidats"]) > 1


def test_a_batch_of_points_answers_like_get_lookup_point_by_point(client, real_data):
    rng = np.random.default_rng(13)
    # In France, at sea, abroad (Berlin), and out of bounds.
    points = [
        [round(x, 4), round(y, 4)]
        for x, y in zip(rng.uniform(-5, 9.5, 40), rng.uniform(41.5, 51, 40), strict=True)
    ]
    points += [[-4.9, 48.2], [13.4, 52.5], [2.878, 48.96], [200, 1], [1, -91]]
    results = client.post(
        "/api/v1/lookup/batch", {"points": points}, content_type="application/json"
    ).json()["resultats"]
    assert len(results) == len(points)
    for point, result in zip(points, results, strict=True):
        assert result["requete"] == point
        single = client.get("/api/v1/lookup", {"lon": point[0], "lat": point[1]})
        if single.status_code == 400:
            assert result["erreur"] == single.json()["detail"]
        else:
            assert {k: v for k, v in result.items() if k != "requete"} == single.json()
    assert "ti-1108" in [t["id"] for t in results[-3]["territoires"]]


def test_a_batch_of_ten_thousand_points_is_accepted_and_one_more_refused(client, real_data):
    points = [[2.878, 48.96]] * 10_000
    answer = client.post(
        "/api/v1/lookup/batch",
        {"points": points, "phase": "2023-2027"},
        content_type="application/json",
    )
    results = answer.json()["resultats"]
    assert len(results) == 10_000 and all(r["territoires"][0]["id"] == "ti-1108" for r in results)
    refused = client.post(
        "/api/v1/lookup/batch", {"points": points + [[1, 2]]}, content_type="application/json"
    )
    assert refused.status_code == 400 and "au plus 10000" in refused.json()["detail"]
    bad = client.post(
        "/api/v1/lookup/batch", {"points": [["2,8", 48]]}, content_type="application/json"
    )
    assert bad.status_code == 400 and "attendu [longitude, latitude]" in bad.json()["detail"]
