"""API v1 on the real data: phases, territories, lookups (one and batch), stats, public actions."""

from __future__ import annotations

import json

import pytest

from plans.services import workflow
from plans.tests.conftest import fill_plan
from stats.services.territories import territory_counts
from territories.models import Phase, Territory
from territories.services import batch_lookup, lookup

pytestmark = pytest.mark.usefixtures("real_data")

MEAUX = "/territoires/2023-2027/ti-1108/"


def test_phases(client):
    data = client.get("/api/v1/phases").json()
    assert [(p["code"], p["territoires"]) for p in data] == [("2019-2022", 149), ("2023-2027", 183)]
    assert data[1]["libelle"] and data[1]["debut"].startswith("2023")


def test_territories_are_paginated_and_filtered(client):
    first = client.get("/api/v1/territoires", {"phase": "2023-2027", "taille": "100"}).json()
    assert first["nombre"] == 183 and first["pages"] == 2 and len(first["resultats"]) == 100
    assert first["precedente"] is None
    second = client.get(first["suivante"]).json()
    assert len(second["resultats"]) == 83 and second["suivante"] is None
    ids = [t["id"] for t in first["resultats"] + second["resultats"]]
    assert ids == sorted(ids) and len(set(ids)) == 183
    seine_et_marne = client.get("/api/v1/territoires", {"departement": "77"}).json()
    assert seine_et_marne["nombre"] == 6  # touching, latest phase by default
    assert "ti-1108" in {t["id"] for t in seine_et_marne["resultats"]}
    for params, message in [
        ({"page": "9"}, "Page 9 inexistante"),
        ({"taille": "0"}, "attendu un entier positif"),
        ({"taille": "501"}, "au plus 500"),
        ({"statut": "fantome"}, "Statut « fantome » inconnu"),
    ]:
        response = client.get("/api/v1/territoires", params)
        assert response.status_code in (400, 404) and message in response.json()["detail"]


def test_one_territory(client):
    data = client.get("/api/v1/territoires/2023-2027/ti-1108").json()
    assert data["nom"] == "Nord Est 77 – Meaux" and data["url"] == MEAUX
    assert data["departement"] == {"code": "77", "nom": "Seine-et-Marne"}
    assert "77284" in {c["code"] for c in data["communes"]}
    assert len(data["communes"]) == data["nombre_communes"]
    assert "CA du Pays de Meaux" in {m["nom"] for m in data["membres"]}
    assert [p["id"] for p in data["predecesseurs"]] == ["ti-1107"]
    assert data["predecesseurs"][0]["url"] == "/territoires/2019-2022/ti-1107/"
    assert data["plan"] is None  # no validated plan
    old = client.get("/api/v1/territoires/2019-2022/ti-1107").json()
    assert "ti-1108" in {s["id"] for s in old["successeurs"]}
    missing = client.get("/api/v1/territoires/2023-2027/ti-0000")
    assert missing.status_code == 404 and "Aucun territoire" in missing.json()["detail"]


def _validate(plan):
    workflow.apply_step(plan, workflow.STEPS["soumettre"], None)
    plan.refresh_from_db()
    workflow.apply_step(plan, workflow.STEPS["valider"], None, "")
    plan.refresh_from_db()


def test_plan_summary_and_public_actions_come_from_the_validated_publication(client):
    territory = Territory.objects.get(phase_id="2023-2027", ti_id="ti-1108")
    plan = fill_plan(territory, 20, seed=3)
    assert client.get("/api/v1/actions").json()["nombre"] == 0  # never validated: nothing public
    _validate(plan)
    public = plan.actions.filter(confidential=False, archived=False)
    secret = plan.actions.filter(confidential=True).first()
    assert public.count() and secret is not None  # seed 3 has both kinds

    data = client.get("/api/v1/actions", {"territoire": "ti-1108"}).json()
    assert data["nombre"] == public.count()
    assert {a["code"] for a in data["resultats"]} == set(public.values_list("code", flat=True))
    assert secret.code not in {a["code"] for a in data["resultats"]}
    first = data["resultats"][0]
    assert first["territoire"] == {
        "phase": "2023-2027",
        "id": "ti-1108",
        "nom": "Nord Est 77 – Meaux",
        "url": MEAUX,
    }
    assert first["statut_libelle"] and first["axe_libelle"]

    axis = first["axe"]
    by_axis = client.get("/api/v1/actions", {"axe": axis, "phase": "2023-2027"}).json()
    assert by_axis["nombre"] == public.filter(axis=axis).count()
    assert client.get("/api/v1/actions", {"phase": "2019-2022"}).json()["nombre"] == 0
    bad = client.get("/api/v1/actions", {"axe": "magie"})
    assert bad.status_code == 400 and "Axe « magie » inconnu" in bad.json()["detail"]

    # Edits after the validation stay off the API until validated again.
    edited = public.order_by("code").first()
    edited.title = "Titre modifié après validation"
    edited.save()
    titles = {a["titre"] for a in client.get("/api/v1/actions").json()["resultats"]}
    assert "Titre modifié après validation" not in titles

    summary = client.get("/api/v1/territoires/2023-2027/ti-1108").json()["plan"]
    assert summary["total"]["actions"] == public.count()
    assert summary["url"] == "/territoires/2023-2027/ti-1108/plan/public/"
    assert [a["axe"] for a in summary["axes"]] == [
        "transition-ecologique",
        "innovation",
        "competences",
        "foncier",
    ]


def test_lookup_commune_is_the_cli_json_with_urls(client, call):
    out, _ = call("lookup", "--commune", "Meaux", "--format", "json")
    expected = json.loads(out)
    for territory in expected["territoires"]:
        territory["url"] = f"/territoires/{territory['phase']}/{territory['id']}/"
    assert client.get("/api/v1/lookup", {"commune": "Meaux"}).json() == expected
    one_phase = client.get("/api/v1/lookup", {"commune": "77284", "phase": "2023-2027"}).json()
    assert [t["id"] for t in one_phase["territoires"]] == ["ti-1108"]


def test_lookup_point_is_the_cli_json_with_urls(client, call):
    for lon, lat in [("2.878", "48.960"), ("-3", "45")]:
        out, _ = call("lookup", f"--point={lon},{lat}", "--format", "json")
        expected = json.loads(out)
        for territory in expected["territoires"] + expected["plus_proches"]:
            territory["url"] = f"/territoires/{territory['phase']}/{territory['id']}/"
        assert client.get("/api/v1/lookup", {"lon": lon, "lat": lat}).json() == expected


def test_point_answers_written_without_ninja_are_their_schema_exactly(client):
    """``lookup`` and ``point`` at a point are written by orjson, not validated by ninja
    (api/v1/lookup.py ``_written``): each answer is its declared schema's, key for key and in its
    order, inside a territory, on a border, outside every territory, at sea and abroad."""
    from api.v1.schemas import PointAnswer, PointOnePhase

    places = [
        ("2.878", "48.96"),
        ("2.6158", "48.9248"),
        ("-3", "45"),
        ("-4.95", "48.15"),
        ("13.4", "52.52"),
    ]
    for lon, lat in places:
        for path, schema, extra in [
            ("/api/v1/lookup", PointAnswer, {}),
            ("/api/v1/point", PointOnePhase, {}),
            ("/api/v1/point", PointOnePhase, {"phase": "2019-2022"}),
        ]:
            response = client.get(path, {"lon": lon, "lat": lat, **extra})
            assert response.status_code == 200
            assert response["Content-Type"] == "application/json; charset=utf-8"
            answer = json.loads(response.content)
            assert schema.model_validate(answer).model_dump(mode="json") == answer
            assert json.dumps(schema.model_validate(answer).model_dump(mode="json")) == json.dumps(
                answer
            )  # the same keys in the same order


@pytest.mark.parametrize(
    "params, status, message",
    [
        ({}, 400, "Indiquez commune"),
        ({"commune": "Meaux", "lon": "2"}, 400, "pas les deux"),
        ({"lon": "2"}, 400, "Indiquez commune"),
        ({"lon": "abc", "lat": "1"}, 400, "n'est pas un nombre"),
        ({"lon": "500", "lat": "1"}, 400, "hors limites"),
        # Walk of 2026-12-04: « longitude inf » for 1e400, and 5,000 characters sent back.
        ({"lon": "1e400", "lat": "1"}, 400, "« 1e400 » n'est pas un nombre"),
        ({"lon": "9" * 20_000, "lat": "1"}, 400, "« " + "9" * 80 + "… » n'est pas un nombre"),
        ({"commune": "x" * 5_000}, 404, "« " + "x" * 80 + "… »"),
        ({"commune": "99999"}, 404, "Aucune commune n'a le code INSEE « 99999 »"),
        ({"commune": "Meaux", "phase": "1990-1995"}, 400, "Phase « 1990-1995 » inconnue"),
    ],
)
def test_lookup_errors_are_french(client, params, status, message):
    response = client.get("/api/v1/lookup", params)
    assert response.status_code == status and message in response.json()["detail"]


def test_lookup_homonyms_list_the_candidates(client):
    data = client.get("/api/v1/lookup", {"commune": "Saint-Denis"}).json()
    assert "précisez le code INSEE" in data["detail"]
    assert any("93066" in c for c in data["candidats"])


BATCH_QUERIES = [
    "77284",
    "Meaux",
    "meaux",
    " 77284 ",
    "ROMILLY SUR SEINE",
    "02311",  # merged into a commune nouvelle
    "08294",
    "200072130",  # a SIREN of no commune
    "Saint-Denis",  # homonyms
    "99999",
    "",
    "Nulle-Part-Sur-Mer",
]


def test_batch_of_communes_answers_as_one_lookup_each(client):
    batch_lookup.clear()
    response = client.post(
        "/api/v1/lookup/batch",
        {"communes": BATCH_QUERIES},
        content_type="application/json",
    )
    assert response.status_code == 200
    results = response.json()["resultats"]
    assert [r["requete"] for r in results] == BATCH_QUERIES
    for query, result in zip(BATCH_QUERIES, results, strict=True):
        try:
            expected = lookup.commune_lookup(query)
        except lookup.LookupError as error:
            assert (result["erreur"], result["candidats"]) == (str(error), error.candidates)
            continue
        for territory in expected["territoires"]:
            territory["url"] = f"/territoires/{territory['phase']}/{territory['id']}/"
        assert {k: v for k, v in result.items() if k != "requete"} == expected, query


def test_batch_of_ten_thousand_communes_and_one_phase(client):
    codes = list(
        Territory.objects.get(phase_id="2023-2027", ti_id="ti-1108")
        .communes.values_list("code", flat=True)
        .order_by("code")
    )
    queries = (codes * (10_000 // len(codes) + 1))[:10_000]
    response = client.post(
        "/api/v1/lookup/batch",
        {"communes": queries, "phase": "2023-2027"},
        content_type="application/json",
    )
    results = response.json()["resultats"]
    assert len(results) == 10_000
    assert all([t["id"] for t in r["territoires"]] == ["ti-1108"] for r in results)


def test_batch_of_points(client, call):
    points = [[2.878, 48.96], [-3, 45], [500, 1]]
    results = client.post(
        "/api/v1/lookup/batch", {"points": points}, content_type="application/json"
    ).json()["resultats"]
    out, _ = call("lookup", "--point", "2.878,48.96", "--format", "json")
    assert [t["id"] for t in results[0]["territoires"]] == [
        t["id"] for t in json.loads(out)["territoires"]
    ]
    assert results[1]["territoires"] == [] and len(results[1]["plus_proches"]) == 2
    assert "hors limites" in results[2]["erreur"] and results[2]["requete"] == [500, 1]


@pytest.mark.parametrize(
    "body, message",
    [
        ("pas du json", "n'est pas du JSON valide (ligne 1, colonne 1)"),
        ('{"points": [[1e400, 2]]}', "n'est pas du JSON valide (ligne 1, colonne"),
        ("[]", "Corps illisible"),
        ("{}", "Indiquez soit communes, soit points"),
        ('{"communes": [], "points": []}', "Indiquez soit communes, soit points"),
        ('{"communes": "77284"}', "communes : attendu une liste"),
        ('{"communes": [77284]}', "communes, élément 1 : attendu un texte"),
        ('{"points": [[1, 2], [1]]}', "points, élément 2 : attendu [longitude, latitude]"),
        ('{"points": [[true, 2]]}', "points, élément 1"),
        ('{"communes": [], "pays": "FR"}', "Champ(s) inconnu(s) : pays"),
        ('{"communes": [], "phase": "1990-1995"}', "Phase « 1990-1995 » inconnue"),
        (json.dumps({"communes": ["77284"] * 10_001}), "au plus 10000 éléments"),
    ],
)
def test_batch_refuses_bad_bodies_in_french(client, body, message):
    response = client.post("/api/v1/lookup/batch", body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    # orjson's English messages ("unexpected character", "number is infinity") stay out.
    assert not {"unexpected", "infinity", "expected"} & set(response.json()["detail"].split())


def test_batch_refuses_a_huge_body_before_reading_it(client):
    body = json.dumps({"communes": ["x" * 1000] * 3000})
    response = client.post("/api/v1/lookup/batch", body, content_type="application/json")
    assert response.status_code == 413 and "Corps trop gros" in response.json()["detail"]


@pytest.mark.parametrize("phase", ["2019-2022", "2023-2027"])
@pytest.mark.parametrize("by", ["region", "departement"])
@pytest.mark.parametrize("mode", ["principal", "touching"])
def test_stats_api_is_the_cli_and_the_service(client, call, phase, by, mode):
    api = client.get("/api/v1/stats", {"phase": phase, "par": by, "mode": mode}).json()
    out, _ = call("stats", "--phase", phase, "--by", by, "--mode", mode, "--format", "json")
    assert api == json.loads(out) == territory_counts(Phase.objects.get(code=phase), by, mode)


def test_stats_of_the_latest_phase_on_the_real_data(client):
    def count(by, mode, code):
        rows = client.get("/api/v1/stats", {"par": by, "mode": mode}).json()
        return next(row["nombre"] for row in rows if row["code"] == code)

    assert count("region", "principal", "11") == 11
    assert count("departement", "principal", "77") == 4
    assert count("departement", "touching", "77") == 6
    bad = client.get("/api/v1/stats", {"par": "canton"})
    assert bad.status_code == 400 and "attendu l'un de region, departement" in bad.json()["detail"]


def test_key_figures_carry_their_definitions(client):
    data = client.get("/api/v1/stats/chiffres-cles", {"phase": "2023-2027"}).json()
    assert data["territoires"] == 183 and data["phase"] == "2023-2027"
    assert data["definitions"]["population"].startswith("Population totale")


def test_kept_figures_follow_the_data_version(client):
    """Key figures and counts are kept per data version: a change that does not move it (a row
    deleted behind the platform's back) is not seen, a new import of the phase (imported_at) is."""
    from django.utils import timezone

    def read():
        key = client.get("/api/v1/stats/chiffres-cles", {"phase": "2023-2027"}).json()
        rows = client.get("/api/v1/stats", {"phase": "2023-2027"}).json()
        return key["territoires"], sum(row["nombre"] for row in rows)

    assert read() == (183, 183)
    Territory.objects.filter(phase_id="2023-2027").order_by("ti_id").first().delete()
    assert read() == (183, 183)
    Phase.objects.filter(code="2023-2027").update(imported_at=timezone.now())
    assert read() == (182, 182)


def test_full_precision_geojson(client):
    simplified = client.get("/api/v1/territoires.geojson", {"departement": "77"})
    full = client.get("/api/v1/territoires.geojson", {"departement": "77", "simplifie": "false"})
    assert full.status_code == 200 and full["ETag"] != simplified["ETag"]
    assert len(full.content) > len(simplified.content)
    assert [f["properties"]["id"] for f in full.json()["features"]] == [
        f["properties"]["id"] for f in simplified.json()["features"]
    ]
    bad = client.get("/api/v1/territoires.geojson", {"simplifie": "oui"})
    assert bad.status_code == 400 and "attendu true ou false" in bad.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/lookup?commune=77%00284",
        "/api/v1/territoires?departement=7%007",
        "/api/v1/territoires/2023-2027/ti%00-1108",
        "/api/v1/stats?phase=%00",
    ],
)
def test_a_nul_character_is_refused_before_any_query(client, url):
    """PostgreSQL cannot hold one in a string: it would answer 500 there."""
    response = client.get(url)
    assert response.status_code == 400 and "Caractère nul" in response.json()["detail"]


def test_a_nul_character_in_a_batch_phase_is_an_unknown_phase(client):
    body = json.dumps({"communes": ["77284"], "phase": "2023\x00"})
    response = client.post("/api/v1/lookup/batch", body, content_type="application/json")
    assert response.status_code == 400 and "inconnue" in response.json()["detail"]
