"""Dry run, re-import and corrected files: the import writes exactly what changed, and only that."""

from __future__ import annotations

import json

import pytest

from core.imports import ImportRefused
from territories.models import Lineage, LineageStatus, Territory, TerritoryCommune, TerritoryMember
from territories.services.importing import import_territories
from territories.tests.csv_builders import (
    PHASE2_GEOJSON,
    build_groupements_csv,
    real_file,
    table_snapshot,
)

PHASE = "2023-2027"


def test_reimporting_the_same_file_writes_nothing(real_data):
    before = table_snapshot()
    report = import_territories(real_file(PHASE2_GEOJSON), PHASE)
    assert not report.changed
    assert len(report.unchanged) == 183
    assert table_snapshot() == before


def test_reimporting_the_same_content_as_csv_writes_nothing_but_the_source(real_data, tmp_path):
    before = table_snapshot()
    import_territories(build_groupements_csv(tmp_path), PHASE)
    after = table_snapshot()
    phase_table = "territories_phase"
    assert {k: v for k, v in after.items() if k != phase_table} == {
        k: v for k, v in before.items() if k != phase_table
    }
    [phase] = [row for row in after[phase_table] if row["code"] == PHASE]
    assert phase["source_name"] == "liste-ti-grpt2023-20240704.csv"


def test_dry_run_writes_nothing(real_data, tmp_path):
    collection = json.loads(real_file(PHASE2_GEOJSON).read_text(encoding="utf-8"))
    del collection["features"][10:]
    path = tmp_path / "ti-partiel.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    before = table_snapshot()
    report = import_territories(path, PHASE, dry_run=True)
    assert report.dry_run and len(report.removed) == 173 and len(report.unchanged) == 10
    assert "seraient" in report.summary()
    assert table_snapshot() == before


def test_corrected_file_updates_only_what_changed(real_data, tmp_path):
    collection = json.loads(real_file(PHASE2_GEOJSON).read_text(encoding="utf-8"))
    by_id = {f["properties"]["id_territoire"]: f for f in collection["features"]}
    by_id["ti-2809"]["properties"]["lib_territoire"] = "Bresle – Vimeu"
    # Berry Sologne (ti-2401) loses the two members it had added to its phase 2019-2022 perimeter.
    members = by_id["ti-2401"]["properties"]["liste_geo"].split("; ")
    assert [m.split(" (")[0] for m in members[-2:]] == ["CC Terres du Haut Berry", "CC FerCher"]
    by_id["ti-2401"]["properties"]["liste_geo"] = "; ".join(members[:-2])
    path = tmp_path / "ti-2023-2027-corrige.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")

    untouched = Territory.objects.filter(phase=PHASE).exclude(ti_id__in=["ti-2809", "ti-2401"])
    before_rows = list(untouched.order_by("pk").values())
    before_members = list(
        TerritoryMember.objects.filter(territory__in=untouched).order_by("pk").values()
    )
    before_communes = list(
        TerritoryCommune.objects.filter(territory__in=untouched).order_by("pk").values()
    )
    bresle = Territory.objects.get(phase=PHASE, ti_id="ti-2809")
    bresle_members = list(bresle.members.order_by("pk").values())
    berry = Territory.objects.get(phase=PHASE, ti_id="ti-2401")
    berry_count = berry.commune_count
    assert berry.lineage_status == LineageStatus.ETENDU

    report = import_territories(path, PHASE)

    assert sorted(report.updated) == ["ti-2401", "ti-2809"]
    assert report.created == report.removed == []
    assert list(untouched.order_by("pk").values()) == before_rows
    assert (
        list(TerritoryMember.objects.filter(territory__in=untouched).order_by("pk").values())
        == before_members
    )
    assert (
        list(TerritoryCommune.objects.filter(territory__in=untouched).order_by("pk").values())
        == before_communes
    )
    bresle.refresh_from_db()
    assert bresle.name == "Bresle – Vimeu" and bresle.search_name == "bresle vimeu"
    assert (
        list(bresle.members.order_by("pk").values()) == bresle_members
    )  # a new name rewrites no member
    berry.refresh_from_db()
    assert berry.members.count() == len(members) - 2
    assert 0 < berry.commune_count < berry_count
    # The lineage follows: same perimeter as in 2019-2022, so reconduit both ways.
    assert berry.lineage_status == LineageStatus.RECONDUIT
    [link] = Lineage.objects.filter(successor=berry)
    assert (link.predecessor.ti_id, link.successor_share, link.predecessor_share) == (
        "ti-2401",
        1.0,
        1.0,
    )
    assert link.predecessor.outcome_status == LineageStatus.RECONDUIT


def test_territory_missing_from_corrected_file_is_removed(real_data, tmp_path):
    collection = json.loads(real_file(PHASE2_GEOJSON).read_text(encoding="utf-8"))
    collection["features"] = [
        f for f in collection["features"] if f["properties"]["id_territoire"] != "ti-0601"
    ]
    path = tmp_path / "ti.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    report = import_territories(path, PHASE)
    assert report.removed == ["ti-0601"]
    assert not Territory.objects.filter(phase=PHASE, ti_id="ti-0601").exists()
    assert Territory.objects.filter(phase=PHASE).count() == 182


def test_territory_with_data_is_not_removed_by_a_partial_file(real_data, tmp_path):
    """Removing a territory would cascade to what hangs on it (here a role): the import is refused."""
    from django.contrib.auth import get_user_model

    from accounts.models import Role, RoleAssignment

    mayotte = Territory.objects.get(phase=PHASE, ti_id="ti-0601")
    user = get_user_model().objects.create(username="cheffe@example.fr", email="cheffe@example.fr")
    RoleAssignment.objects.create(user=user, role=Role.CHEF_DE_PROJET, territory=mayotte)
    collection = json.loads(real_file(PHASE2_GEOJSON).read_text(encoding="utf-8"))
    collection["features"] = [
        f for f in collection["features"] if f["properties"]["id_territoire"] != "ti-0601"
    ]
    path = tmp_path / "ti.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    before = table_snapshot()
    with pytest.raises(ImportRefused) as refused:
        import_territories(path, PHASE)
    [message] = [str(p) for p in refused.value.problems]
    assert message.startswith(
        "ti.geojson : le territoire ti-0601 (Mayotte) est absent du fichier mais porte des données ("
    )
    assert "il n'est pas retiré" in message
    assert table_snapshot() == before
    assert RoleAssignment.objects.filter(territory=mayotte).exists()
