"""The dashboards' pages, CSV downloads and API on the real data and on the small programme of
conftest.py: the CLI, the API and the pages agree; confidential actions reach only those allowed."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from plans.models import Funding
from plans.services.publication import publish
from stats.services.dashboard import compare_areas, dashboard_figures
from stats.services.scope import Scope

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _cli(call, *args) -> dict:
    out, _ = call("stats", "--format", "json", *args)
    return {row["code"]: row["nombre"] for row in json.loads(out)}


@pytest.mark.parametrize("phase", ["2019-2022", "2023-2027"])
def test_cli_api_and_dashboards_give_the_same_counts(client, call, real_data, phase):
    cli = {
        (by, mode): _cli(call, "--phase", phase, "--by", by, "--mode", mode)
        for by in ("region", "departement")
        for mode in ("principal", "touching")
    }
    api = {
        (by, mode): {
            row["code"]: row["nombre"]
            for row in client.get(f"/api/v1/stats?phase={phase}&par={by}&mode={mode}").json()
        }
        for by in ("region", "departement")
        for mode in ("principal", "touching")
    }
    assert api == cli
    for by, page in (
        ("region", "/tableaux-de-bord/"),
        ("departement", "/tableaux-de-bord/departements/"),
    ):
        name = "comparaison-regions" if by == "region" else "comparaison-departements"
        rows = _csv(client.get(f"{page}?phase={phase}&format=csv&graphique={name}"))
        assert {r["Code"]: int(r["Territoires (principal)"]) for r in rows} == cli[by, "principal"]
        assert {r["Code"]: int(r["Territoires (touchant)"]) for r in rows} == cli[by, "touching"]
    if phase == "2023-2027":  # the numbers, typed here
        assert cli["region", "principal"]["11"] == 11
        assert (cli["departement", "principal"]["77"], cli["departement", "touching"]["77"]) == (
            4,
            6,
        )
        board = client.get("/api/v1/stats/tableau-de-bord?departement=77").json()
        out, _ = call("stats", "--phase", phase, "--tableau-de-bord", "--departement", "77")
        cli_board = json.loads(out)
        for section in ("couverture", "filiation", "actions", "financements", "demandes"):
            assert cli_board[section] == board[section], section
        assert (
            board["couverture"]["territoires"],
            board["couverture"]["territoires_touching"],
        ) == (4, 6)
        html = client.get("/tableaux-de-bord/departements/77/").content.decode()
        assert re.search(r'data-figure="territoires">4<', html)
        assert re.search(r'data-figure="territoires_touching">6<', html)
        html = client.get("/tableaux-de-bord/regions/11/").content.decode()
        assert re.search(r'data-figure="territoires">11<', html)


def test_public_dashboard_hides_confidential_actions(client, programme):
    html = client.get("/tableaux-de-bord/departements/77/").content.decode()
    assert re.search(r'data-figure="actions">2<', html)  # IN-01 and FO-01 (IN-02 is confidential)
    assert "confidentielle" not in html.split("<h1>")[1].split("</h1>")[0]
    rows = _csv(client.get("/tableaux-de-bord/departements/77/?format=csv&graphique=financeurs"))
    assert {r["Financeur"]: r["Sollicité (€)"] for r in rows} == {
        "Bpifrance": "1200.00",
        "Région": "500.00",
        "Total": "1700.00",
    }
    client.force_login(programme["lead"])
    html = client.get("/tableaux-de-bord/departements/77/").content.decode()
    assert re.search(r'data-figure="actions">3<', html)
    assert "1 action confidentielle" in html
    rows = _csv(client.get("/tableaux-de-bord/departements/77/?format=csv&graphique=financeurs"))
    assert {r["Financeur"]: r["Sollicité (€)"] for r in rows}["Bpifrance"] == "11200.00"
    client.force_login(programme["outsider"])  # coordinates another région
    html = client.get("/tableaux-de-bord/departements/77/").content.decode()
    assert re.search(r'data-figure="actions">2<', html)


def test_each_chart_downloads_exactly_its_table(client, programme):
    rows = _csv(client.get("/tableaux-de-bord/regions/11/?format=csv&graphique=actions-axe-statut"))
    innovation = next(r for r in rows if r["Axe"] == "Innovation")
    assert (innovation["En cours"], innovation["Total"]) == ("1", "1")
    assert rows[-1]["Axe"] == "Total" and rows[-1]["Total"] == "3"
    html = client.get("/tableaux-de-bord/regions/11/").content.decode()
    chart = re.search(
        r'<bar-chart x="([^"]*)" y="([^"]*)"', html.split('id="actions-axe-statut"')[1]
    )
    assert json.loads(chart.group(2).replace("&quot;", '"'))[1] == [0, 1, 0, 0]  # « En cours »
    assert client.get("/tableaux-de-bord/?format=csv&graphique=inconnu").status_code == 404


def test_csv_neutralises_formulas(client, programme):
    Funding.objects.filter(funder="Région").update(funder='=HYPERLINK("http://x.example","y")')
    publish(programme["meaux"].action_plan)
    response = client.get("/tableaux-de-bord/departements/77/?format=csv&graphique=financeurs")
    funders = [r["Financeur"] for r in _csv(response)]
    assert '\'=HYPERLINK("http://x.example","y")' in funders


def test_comparison_sorts_on_every_column(client, real_data):
    url = "/tableaux-de-bord/departements/?phase=2023-2027&format=csv&graphique=comparaison-departements"
    rows = _csv(client.get(url + "&tri=-territoires"))
    counts = [int(r["Territoires (principal)"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    rows = _csv(client.get(url + "&tri=nom"))
    assert rows[0]["Nom"] == "Ain"
    html = client.get("/tableaux-de-bord/departements/?tri=population").content.decode()
    assert 'aria-sort="ascending"' in html and "tri=-population" in html
    assert (
        html.count("trier par ordre") == 15
    )  # every column: name, code, 4 counts, 5 lineage, 4 sums


def test_pages_answer_404_for_unknown_areas(client, real_data):
    for url in (
        "/tableaux-de-bord/regions/99/",
        "/tableaux-de-bord/departements/000/",
        "/tableaux-de-bord/territoires/2023-2027/ti-0000/",
        "/tableaux-de-bord/territoires/1999-2000/ti-1108/",
        "/tableaux-de-bord/?phase=1999-2000",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/stats/tableau-de-bord?region=99").status_code == 404
    assert client.get("/api/v1/stats/tableau-de-bord?region=11&departement=77").status_code == 400
    assert client.get("/api/v1/stats/comparaison?par=commune").status_code == 400


def test_public_pages_and_navigation_link_the_dashboards(client, real_data):
    html = client.get("/departements/77/").content.decode()
    assert 'href="/tableaux-de-bord/"' in html  # the site's navigation
    assert 'href="/tableaux-de-bord/departements/77/"' in html
    html = client.get("/territoires/2023-2027/ti-1108/").content.decode()
    assert 'href="/tableaux-de-bord/territoires/2023-2027/ti-1108/"' in html


def test_a_dashboard_takes_a_bounded_number_of_queries(programme, django_assert_max_num_queries):
    # The same count whatever the size of the programme: nothing is fetched per territory or action
    # (43 on SQLite: 18 of them are the six ledgers of the service requests, one per state and one for all).
    with django_assert_max_num_queries(50):
        dashboard_figures(programme["phase"], Scope.national(), programme["lead"])
    with django_assert_max_num_queries(20):
        compare_areas(programme["phase"], "departement", programme["lead"])
