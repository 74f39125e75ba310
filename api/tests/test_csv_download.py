"""The map's CSV download: names next to codes, and no live spreadsheet formula."""

import csv
import io

import pytest

from public.services import mapdata

pytestmark = pytest.mark.usefixtures("real_data")


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_carries_names_next_to_codes(client):
    response = client.get("/api/v1/territoires.csv", {"phase": "2023-2027", "departement": "77"})
    header = response.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert header.index("region_principale_nom") == header.index("region_principale") + 1
    assert header.index("statut_libelle") == header.index("statut") + 1
    roissy = next(row for row in rows_of(response) if row["id"] == "ti-1104")
    assert roissy["statut"] == "reduit" and roissy["statut_libelle"] == "Réduit"
    assert roissy["region_principale"] == "11"
    assert roissy["region_principale_nom"] == "Île-de-France"
    assert roissy["departement_principal"] == "93"
    assert roissy["departement_principal_nom"] == "Seine-Saint-Denis"
    assert "Seine-et-Marne" in roissy["departements_noms"].split(", ")
    assert roissy["regions_noms"] == "Île-de-France"


def test_csv_neutralises_formulas_in_names():
    feature = {
        "properties": {
            "phase": "2023-2027",
            "id": "ti-0000",
            "nom": '=HYPERLINK("http://example.org")',
            "statut": "",
            "statut_libelle": "@SUM(1)",
            "region": "11",
            "departement": "77",
            "regions": ["11"],
            "departements": ["77"],
            "population": 1,
            "communes": 1,
            "point": None,
            "url": "/territoires/2023-2027/ti-0000/",
        }
    }
    text = mapdata.csv_text([feature], "https://example.org")
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert row["nom"] == '\'=HYPERLINK("http://example.org")'
    assert row["statut_libelle"] == "'@SUM(1)"
    assert row["region_principale_nom"] == "Île-de-France"
