"""API v1, what the map uses: search, GeoJSON and CSV of the map, outlines, point lookup."""

import csv
import gzip
import io
import json

import pytest
import shapely
from shapely.geometry import shape

from public.services.versioning import territories_version
from territories.models import Territory

pytestmark = pytest.mark.usefixtures("real_data")

MAX_GZIPPED_BYTES = 600 * 1024


def test_search_endpoint(client):
    data = client.get("/api/v1/recherche", {"q": "Meaux"}).json()
    first = data["resultats"][0]
    assert first == {
        "type": "commune",
        "type_libelle": "Commune",
        "libelle": "Meaux",
        "detail": first["detail"],
        "url": "/communes/77284/",
    }
    assert (
        len(client.get("/api/v1/recherche", {"q": "saint", "limite": 3}).json()["resultats"]) == 3
    )


def test_phase_geojson_is_gzipped_small_and_cacheable(client):
    response = client.get(
        "/api/v1/territoires.geojson", {"phase": "2023-2027"}, HTTP_ACCEPT_ENCODING="gzip, br"
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"] == "application/geo+json"
    assert len(response.content) <= MAX_GZIPPED_BYTES
    assert "Accept-Encoding" in response["Vary"]
    assert response["Cache-Control"] == "public, max-age=3600"
    data = json.loads(gzip.decompress(response.content))
    assert len(data["features"]) == 183
    meaux = next(f for f in data["features"] if f["properties"]["id"] == "ti-1108")
    assert (
        meaux["properties"]["statut"] == "reconduit" and "77" in meaux["properties"]["departements"]
    )
    assert meaux["properties"]["url"] == "/territoires/2023-2027/ti-1108/"
    # The same ETag answers 304; the versioned URL is cached for a year.
    again = client.get(
        "/api/v1/territoires.geojson", {"phase": "2023-2027"}, HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304 and again.content == b""
    versioned = client.get(
        "/api/v1/territoires.geojson", {"phase": "2023-2027", "v": territories_version()}
    )
    assert versioned["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Encoding" not in versioned  # client did not ask for gzip


def _simplified(phase):
    return [
        shape(t.geometry_simplified)
        for t in Territory.objects.filter(phase_id=phase).order_by("ti_id")
    ]


def test_map_polygons_form_a_coverage_without_gaps_or_overlaps():
    """Phase 2023-2027: no overlap, and no gap narrower than 0.01° (~1 km) between neighbours."""
    polygons = _simplified("2023-2027")
    assert shapely.coverage_is_valid(shapely.GeometryCollection(polygons), gap_width=0.01)


@pytest.mark.parametrize("phase", ["2019-2022", "2023-2027"])
def test_neighbours_in_the_source_still_share_an_edge_once_simplified(phase):
    territories = list(
        Territory.objects.filter(phase_id=phase).exclude(geometry=None).order_by("ti_id")
    )
    original = [shape(t.geometry) for t in territories]
    simplified = [shape(t.geometry_simplified) for t in territories]
    tree = shapely.STRtree(original)
    left, right = tree.query(original, predicate="touches")
    pairs = [
        (i, j)
        for i, j in zip(left, right, strict=False)
        if i < j and original[i].intersection(original[j]).length > 0.01
    ]
    assert pairs
    for i, j in pairs:
        assert simplified[i].intersects(simplified[j]), (territories[i].ti_id, territories[j].ti_id)


def test_filtered_geojson_and_csv_are_what_the_map_shows(client):
    expected = set(
        Territory.objects.filter(phase_id="2023-2027", departements="77").values_list(
            "ti_id", flat=True
        )
    )
    data = client.get(
        "/api/v1/territoires.geojson", {"phase": "2023-2027", "departement": "77"}
    ).json()
    assert {f["properties"]["id"] for f in data["features"]} == expected
    response = client.get("/api/v1/territoires.csv", {"phase": "2023-2027", "departement": "77"})
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="territoires-industrie-2023-2027-77.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row["id"] for row in rows} == expected
    meaux = next(row for row in rows if row["id"] == "ti-1108")
    assert meaux["nom"] == "Nord Est 77 – Meaux" and meaux["url"].endswith(
        "/territoires/2023-2027/ti-1108/"
    )
    point = shapely.Point(float(meaux["longitude"]), float(meaux["latitude"]))
    assert shape(
        Territory.objects.get(phase_id="2023-2027", ti_id="ti-1108").geometry_simplified
    ).contains(point)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"departement": "999"}, "Département « 999 » inconnu"),
        ({"region": "00"}, "Région « 00 » inconnue"),
        ({"statut": "fantome"}, "Statut « fantome » inconnu : attendu l'un de nouveau, reconduit"),
        (
            {"phase": "1990-1995"},
            "Phase « 1990-1995 » inconnue : attendu l'une de 2019-2022, 2023-2027",
        ),
    ],
)
def test_bad_filters_get_a_french_message(client, params, message):
    response = client.get("/api/v1/territoires.geojson", params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_outlines(client):
    data = json.loads(
        gzip.decompress(
            client.get("/api/v1/contours/departements.geojson", HTTP_ACCEPT_ENCODING="gzip").content
        )
    )
    assert any(f["properties"]["code"] == "77" for f in data["features"])
    assert {f["geometry"]["type"] for f in data["features"]} <= {"LineString", "MultiLineString"}
    assert client.get("/api/v1/contours/cantons.geojson").status_code == 404


def test_territory_map_shows_additions_of_an_extended_territory(client):
    territory = (
        Territory.objects.filter(phase_id="2023-2027", lineage_status="etendu")
        .order_by("ti_id")
        .first()
    )
    data = client.get(f"/api/v1/territoires/2023-2027/{territory.ti_id}/carte.geojson").json()
    roles = [f["properties"]["role"] for f in data["features"]]
    assert roles[0] == "territoire" and "ajout" in roles and "retrait" not in roles


@pytest.mark.parametrize(
    "status, forbidden", [("reconduit", {"ajout", "retrait"}), ("reduit", {"ajout"})]
)
def test_territory_map_draws_no_change_that_membership_does_not_confirm(client, status, forbidden):
    """Phases' polygons come from files of different dates: a redrawn boundary is not an addition or a removal."""
    for territory in Territory.objects.filter(phase_id="2023-2027", lineage_status=status).defer(
        "geometry"
    ):
        data = client.get(f"/api/v1/territoires/2023-2027/{territory.ti_id}/carte.geojson").json()
        assert {f["properties"]["role"] for f in data["features"]} & forbidden == set(), (
            territory.ti_id
        )


def test_point_inside_and_outside(client):
    inside = client.get(
        "/api/v1/point", {"lon": "2.878", "lat": "48.960", "phase": "2023-2027"}
    ).json()
    assert [t["id"] for t in inside["territoires"]] == ["ti-1108"]
    assert inside["territoires"][0]["url"] == "/territoires/2023-2027/ti-1108/"
    sea = client.get("/api/v1/point", {"lon": "-3", "lat": "45"}).json()
    assert sea["territoires"] == [] and sea["plus_proche"]["distance_km"] > 0


@pytest.mark.parametrize(
    "lon, lat, message", [("abc", "1", "n'est pas un nombre"), ("500", "1", "hors limites")]
)
def test_point_errors(client, lon, lat, message):
    response = client.get("/api/v1/point", {"lon": lon, "lat": lat})
    assert response.status_code == 400 and message in response.json()["detail"]
