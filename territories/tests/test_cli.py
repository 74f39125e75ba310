"""The command-line interface other tools rely on: lookup and lineage, with their stable JSON (stats: stats/tests)."""

import csv
import io
import json

import pytest
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_lookup_commune_by_name_json(call):
    out, _ = call("lookup", "--commune", "Meaux", "--format", "json")
    result = json.loads(out)
    assert result["commune"]["code"] == "77284"
    assert result["commune"]["epci"]["nom"] == "CA du Pays de Meaux"
    assert result["commune"]["departement"] == {"code": "77", "nom": "Seine-et-Marne"}
    assert result["commune"]["region"] == {"code": "11", "nom": "Île-de-France"}
    assert result["territoires"] == [
        {"phase": "2019-2022", "id": "ti-1107", "nom": "Nord Est 77 - Meaux"},
        {"phase": "2023-2027", "id": "ti-1108", "nom": "Nord Est 77 – Meaux"},
    ]


def test_lookup_commune_by_code_one_phase_and_accents_ignored(call):
    out, _ = call("lookup", "--commune", "77284", "--phase", "2023-2027", "--format", "json")
    assert [t["id"] for t in json.loads(out)["territoires"]] == ["ti-1108"]
    out, _ = call("lookup", "--commune", "ROMILLY SUR SEINE", "--format", "json")
    assert json.loads(out)["commune"]["code"] == "10323"


def test_lookup_former_commune_code_gives_its_commune_nouvelle(call):
    out, _ = call("lookup", "--commune", "08294", "--format", "json")
    assert json.loads(out)["commune"]["code"] == "08053"


def test_lookup_homonyms_ask_for_the_code(call):
    with pytest.raises(CommandError) as error:
        call("lookup", "--commune", "Saint-Denis")
    assert "précisez le code INSEE" in str(error.value) and "93066" in str(error.value)


def test_lookup_unknown_commune(call):
    with pytest.raises(CommandError, match="Aucune commune ne s'appelle « Atlantide »"):
        call("lookup", "--commune", "Atlantide")


def test_lookup_commune_outside_every_territory(call):
    out, _ = call("lookup", "--commune", "75056")
    assert "n'est dans aucun Territoire d'industrie" in out


def test_lookup_point_inside_and_outside(call):
    out, _ = call("lookup", "--point", "2.878,48.960", "--phase", "2023-2027", "--format", "json")
    assert json.loads(out)["territoires"] == [
        {"phase": "2023-2027", "id": "ti-1108", "nom": "Nord Est 77 – Meaux"}
    ]
    out, _ = call(
        "lookup", "--point", "2.3488,48.8534", "--phase", "2023-2027", "--format", "json"
    )  # Paris centre
    answer = json.loads(out)
    assert answer["territoires"] == []
    nearest = answer["plus_proches"][0]
    assert nearest["phase"] == "2023-2027" and 0 < nearest["distance_km"] < 30


@pytest.mark.parametrize("point", ["abc", "2.3", "200,10", "2,95"])
def test_lookup_bad_point(call, point):
    with pytest.raises(CommandError, match="(illisible|hors limites)"):
        call("lookup", "--point", point)


def test_lineage_json_shape_and_statuses(call):
    out, _ = call("lineage", "--phase", "2023-2027", "--format", "json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert len(rows) == 183
    assert set(rows["ti-1108"]) >= {"id", "nom", "statut", "predecesseurs"}
    assert rows["ti-1108"]["predecesseurs"][0]["id"] == "ti-1107"
    assert {row["statut"] for row in rows.values()} == {
        "nouveau",
        "reconduit",
        "etendu",
        "reduit",
        "recompose",
    }
    for row in rows.values():
        assert (row["statut"] == "nouveau") == (row["predecesseurs"] == [])
        assert all(0 < p["part_communes"] <= 1 for p in row["predecesseurs"])
        assert (
            set(row["predecesseurs"][0]) >= {"id", "nom", "part_communes"}
            if row["predecesseurs"]
            else True
        )


def test_lineage_csv_of_phase_one_tells_what_became_of_each(call):
    out, _ = call("lineage", "--phase", "2019-2022", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 149
    assert {row["statut"] for row in rows} == {""}  # the first phase has no predecessor
    assert "non-reconduit" in {row["devenir"] for row in rows}
