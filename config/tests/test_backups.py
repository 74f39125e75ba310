"""Backup, verify and restore, end to end as an operator runs them: `territoires` in child processes on
scratch databases of the engine under test (a temporary SQLite file, or new databases on the test
PostgreSQL server), compared table by table and row by row (every model, the journal, the files)."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from config.tests.scratch import Scratch

POPULATE = """
import django
django.setup()
from datetime import date
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from accounts.models import Role
from accounts.services.roles import grant_role
from geo.models import Commune, Departement, Region
from plans.models import Action, ActionPlan, Attachment, Funding
from territories.models import Phase, Territory, TerritoryCommune

region = Region.objects.create(code="11", name="Île-de-France")
departement = Departement.objects.create(code="77", name="Seine-et-Marne", region=region)
commune = Commune.objects.create(
    code="77284", name="Meaux", departement=departement, region=region, population=56000
)
territory = Territory.objects.create(
    phase=Phase.objects.get(code="2023-2027"), ti_id="ti-1108", name="Nord Est 77",
    principal_departement=departement, principal_region=region,
    geometry={"type": "Polygon", "coordinates": [[[2.8, 48.9], [2.9, 48.9], [2.9, 49.0], [2.8, 48.9]]]},
)
TerritoryCommune.objects.create(territory=territory, commune=commune)
plan = ActionPlan.objects.create(territory=territory)
action = Action.objects.create(
    plan=plan, code="A1", axis="foncier", title="[Exemple] Friche « Les Saints-Pères »",
    total_cost=Decimal("1250000.50"), start_date=date(2024, 3, 1),
)
action.title = "[Exemple] Friche réhabilitée"
action.save()  # a second journal entry
Funding.objects.create(action=action, funder="Banque des Territoires", amount=Decimal("300000"),
                       granted_amount=Decimal("250000"), state="accorde")
Attachment.objects.create(action=action, title="Étude", file=ContentFile(b"%PDF-1.4 test", "etude.pdf"))
user = get_user_model().objects.create_user("lead@example.org", "lead@example.org", "x")
grant_role(user, Role.CHEF_DE_PROJET, territory=territory)
"""

WRITER = """
import sys, time, django
django.setup()
from pathlib import Path
from django.db import transaction
from django.contrib.auth.models import Group
stop = Path(sys.argv[1])
i = 0
while not stop.exists():
    with transaction.atomic():  # a pair is written whole or not at all
        Group.objects.create(name=f"paire-{i}-a")
        Group.objects.create(name=f"paire-{i}-b")
    i += 1
print(i)
"""


@pytest.mark.django_db
def test_round_trip_keeps_every_row_and_file_and_refuses_a_filled_target_or_a_damaged_backup(
    scratch, tmp_path
):
    source = scratch("source")
    populated = source.python(POPULATE)
    assert populated.wait(timeout=300) == 0, populated.stderr.read()
    folder = tmp_path / "sauvegarde"
    done = source.run("backup", str(folder))
    assert "Sauvegarde" in done.stdout
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["plans_historicalaction"] == 2  # the journal is in it
    assert manifest["data_version"]
    assert "Sauvegarde" in source.run("verify-backup", str(folder)).stdout

    # Into an empty database (restore creates the schema), and into a freshly migrated one.
    for name, migrated_first in (("vide", False), ("migree", True)):
        target = scratch(name, migrate=migrated_first)
        target.run("restore", str(folder))
        assert target.tables() == source.tables()
        assert target.files() == source.files() and any(
            path.endswith("etude.pdf") for path in target.files()
        )

    # A target holding data of its own is refused (nothing changed), unless --force.
    refused = source.run("restore", str(folder), check=False)
    assert refused.returncode == 1 and "contient déjà des données" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert source.run("backup", str(folder), check=False).stderr.count("n'est pas vide") == 1

    # A damaged copy: verify-backup names the problem, restore refuses it and writes nothing.
    damaged = tmp_path / "abimee"
    shutil.copytree(folder, damaged)
    manifest["tables"]["territories_phase"] = 3  # a row count that the backup does not hold
    (damaged / "manifest.json").write_text(json.dumps(manifest))
    checked = source.run("verify-backup", str(damaged), check=False)
    assert checked.returncode == 1
    assert "Table territories_phase : 2 lignes dans la sauvegarde, 3 attendues." in checked.stderr
    data = next(p for p in damaged.iterdir() if p.name.startswith("database."))
    data.write_bytes(data.read_bytes() + b"!")
    checked = source.run("verify-backup", str(damaged), check=False)
    assert "Fichier altéré (somme SHA-256 différente) : " + data.name in checked.stderr
    target = scratch("cible", migrate=False)
    refused = target.run("restore", str(damaged), check=False)
    assert refused.returncode == 1 and "Sauvegarde refusée" in refused.stderr
    assert target.tables() == {} or not any(target.tables().values())


@pytest.mark.django_db
def test_a_backup_taken_during_writes_is_a_consistent_snapshot(scratch, tmp_path):
    source = scratch("source")
    stop = tmp_path / "stop"
    writer = source.python(WRITER, str(stop))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _pairs(source):
            time.sleep(0.2)
        folder = tmp_path / "sauvegarde"
        source.run("backup", str(folder))
    finally:
        stop.touch()
        written = writer.wait(timeout=120)
    assert written == 0, writer.stderr.read()
    pairs_written = int(writer.stdout.read())
    target = scratch("cible", migrate=False)
    target.run("restore", str(folder))
    names = _pairs(target)
    halves = {}
    for name in names:
        number, half = name.split("-")[1:]
        halves.setdefault(number, set()).add(half)
    assert halves, "the backup saw none of the writes"
    assert all(found == {"a", "b"} for found in halves.values())  # never half a transaction
    assert len(halves) <= pairs_written


def _pairs(database: Scratch) -> list[str]:
    return [name for (name,) in database.query("SELECT name FROM auth_group")]
