"""Communes of the ANCT files merged since into a commune nouvelle without keeping a commune déléguée:
``anciensCodes`` of the current COG places them (import), finds them (lookup) and names them."""

import json

import pytest

from geo import cog
from territories.models import TerritoryCommune, UnmappedCommune

pytestmark = pytest.mark.django_db

# (former code, former name, current code, territory of phase 2023-2027), from the COG 2023 and 2026
# packages, written out by hand: the 7 codes the import reported as having no current equivalent.
MERGED = [
    ("95282", "Gouzangrez", "95169", "ti-1102"),
    ("25297", "Le Gratteris", "25364", "ti-2701"),
    ("71131", "Ciel", "71566", "ti-2704"),
    ("02311", "Filain", "02589", "ti-3214"),
    ("08300", "Le Mont-Dieu", "08439", "ti-4407"),
    ("72287", "Saint-Gervais-en-Belin", "72155", "ti-5212"),
    ("42072", "La Côte-en-Couzan", "42217", "ti-8408"),
]


@pytest.mark.parametrize(("former", "name", "current", "ti_id"), MERGED)
def test_former_codes_resolve_to_their_commune_nouvelle(former, name, current, ti_id):
    vintage = cog.load_vintage(cog.CURRENT_VINTAGE)
    assert vintage.former_codes[former] == current
    assert cog.former_name(former) == name


@pytest.mark.parametrize(("former", "name", "current", "ti_id"), MERGED)
def test_the_import_places_them(real_data, former, name, current, ti_id):
    assert TerritoryCommune.objects.filter(
        territory__phase="2023-2027", territory__ti_id=ti_id, commune_id=current
    ).exists()


def test_no_commune_of_phase_2023_2027_is_left_unmapped(real_data):
    assert not UnmappedCommune.objects.filter(territory__phase="2023-2027").exists()


def test_lookup_json_adds_the_former_commune(call, real_data):
    out, _ = call("lookup", "--commune", "02311", "--phase", "2023-2027", "--format", "json")
    result = json.loads(out)
    assert result["commune"]["code"] == "02589"
    assert result["commune"]["nom"] == "Pargny-et-Filain"
    assert [t["id"] for t in result["territoires"]] == ["ti-3214"]
    assert result["ancien_code"] == "02311"
    assert result["ancien_nom"] == "Filain"


def test_lookup_of_a_current_commune_has_null_former_fields(call, real_data):
    out, _ = call("lookup", "--commune", "77284", "--format", "json")
    result = json.loads(out)
    assert result["ancien_code"] is None and result["ancien_nom"] is None


def test_lookup_table_says_the_commune_merged(call, real_data):
    out, _ = call("lookup", "--commune", "02311")
    assert out.splitlines()[0] == "Filain (02311), fusionnée dans Pargny-et-Filain (02589)"
