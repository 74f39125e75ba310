"""The reference geography loaded from @etalab/decoupage-administratif (COG 2026) and ANCT polygons."""

import pytest
from django.core.management import call_command

from geo import cog
from geo.models import Commune, Departement, Groupement, Region
from geo.services import load_geo
from geo.text import normalize_search

pytestmark = pytest.mark.django_db


def test_counts_match_the_current_cog():
    vintage = cog.load_vintage(cog.CURRENT_VINTAGE)
    assert Commune.objects.count() == len(vintage.communes) == 34969
    assert Region.objects.count() == len(vintage.regions)
    assert Departement.objects.count() == len(vintage.departements)
    assert Groupement.objects.filter(nature="EPT").count() == 11
    assert Groupement.objects.exclude(nature="EPT").count() == 1255


def test_a_commune_carries_its_memberships_and_postcodes():
    meaux = Commune.objects.select_related("departement", "region", "epci").get(code="77284")
    assert meaux.name == "Meaux"
    assert meaux.departement.code == "77" and meaux.region.code == "11"
    assert meaux.epci.name == "CA du Pays de Meaux"
    assert "77100" in meaux.postcodes
    assert meaux.population > 50000
    assert meaux.search_name == "meaux"


def test_grand_paris_communes_have_both_epci_and_ept():
    aubervilliers = Commune.objects.get(code="93001")
    assert aubervilliers.ept.name == "Plaine Commune" and aubervilliers.ept.nature == "EPT"
    assert aubervilliers.epci.nature == "METRO"


def test_departements_and_regions_get_anct_polygons():
    assert Departement.objects.exclude(geometry=None).count() == 101
    assert Region.objects.exclude(geometry=None).count() == 18
    assert Departement.objects.get(code="77").geometry["type"] == "MultiPolygon"


def test_reloading_changes_nothing():
    before = list(
        Commune.objects.order_by("code").values_list("code", "name", "epci_id", "population")
    )
    report = load_geo(progress=False)
    assert report.created == {
        "régions": 0,
        "départements": 0,
        "intercommunalités": 0,
        "communes": 0,
    }
    assert (
        list(Commune.objects.order_by("code").values_list("code", "name", "epci_id", "population"))
        == before
    )


def test_reloading_restores_a_corrupted_row(capsys):
    Commune.objects.filter(code="77284").update(name="Meaux corrompu", population=1)
    call_command("load-geo")
    commune = Commune.objects.get(code="77284")
    assert (commune.name, commune.population > 1) == ("Meaux", True)
    assert "communes : 34969 lignes (0 nouvelles)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Saint-Étienne", "saint etienne"),
        ("  L'Haÿ-les-Roses ", "l hay les roses"),
        ("ŒUVRE", "oeuvre"),
        ("", ""),
    ],
)
def test_search_normalisation(text, expected):
    assert normalize_search(text) == expected


def test_former_codes_map_to_the_chef_lieu():
    vintage = cog.load_vintage(cog.CURRENT_VINTAGE)
    assert vintage.former_codes["08294"] == "08053"
    assert vintage.former_codes["95282"] == "95169"  # merged without a déléguée: anciensCodes
