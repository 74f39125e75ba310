"""The stats service and the ``territoires stats`` command on the real data (both phases)."""

import csv
import io
import json

import pytest
from django.core.management.base import CommandError

from stats.definitions import DEFINITIONS
from stats.services.territories import BY_CHOICES, MODE_CHOICES, territory_counts
from territories.models import Phase

pytestmark = pytest.mark.django_db


def test_stats_by_region_principal_json(call):
    out, _ = call("stats", "--phase", "2023-2027", "--by", "region", "--format", "json")
    rows = {row["code"]: row for row in json.loads(out)}
    assert set(rows["11"]) >= {"code", "nom", "nombre", "territoires"}
    assert rows["11"]["nom"] == "Île-de-France" and rows["11"]["nombre"] == 11
    assert {"id": "ti-1108", "nom": "Nord Est 77 – Meaux"} in rows["11"]["territoires"]
    assert sum(row["nombre"] for row in rows.values()) == 183  # principal: each territory once
    assert all(row["nombre"] == len(row["territoires"]) for row in rows.values())


def test_stats_by_departement_principal_and_touching(call):
    out, _ = call("stats", "--phase", "2023-2027", "--by", "departement", "--format", "json")
    principal = {row["code"]: row for row in json.loads(out)}
    assert principal["77"]["nombre"] == 4
    out, _ = call(
        "stats",
        "--phase",
        "2023-2027",
        "--by",
        "departement",
        "--mode",
        "touching",
        "--format",
        "json",
    )
    touching = {row["code"]: row for row in json.loads(out)}
    assert touching["77"]["nombre"] == 6
    assert {t["id"] for t in principal["77"]["territoires"]} < {
        t["id"] for t in touching["77"]["territoires"]
    }
    assert sum(row["nombre"] for row in touching.values()) > 183


def test_stats_csv_and_table(call):
    out, _ = call("stats", "--phase", "2019-2022", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sum(int(row["nombre"]) for row in rows) == 149
    out, _ = call("stats", "--phase", "2019-2022")
    assert out.splitlines()[0].split() == ["code", "nom", "nombre", "territoires"]


def test_stats_unknown_phase_is_a_clear_error(call):
    with pytest.raises(CommandError, match="Phase inconnue : 2030-2034"):
        call("stats", "--phase", "2030-2034")


@pytest.mark.parametrize("phase", ["2019-2022", "2023-2027"])
@pytest.mark.parametrize("by", BY_CHOICES)
@pytest.mark.parametrize("mode", MODE_CHOICES)
def test_cli_json_is_the_service(call, phase, by, mode):
    out, _ = call("stats", "--phase", phase, "--by", by, "--mode", mode, "--format", "json")
    assert json.loads(out) == territory_counts(Phase.objects.get(code=phase), by, mode)


def test_every_count_has_a_french_definition():
    for mode in MODE_CHOICES:
        text = DEFINITIONS[f"territoires_{mode}"]
        assert text.startswith("Nombre de territoires") and text.endswith(".")
