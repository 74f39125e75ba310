"""core.bulk writes the same rows through COPY (PostgreSQL, from COPY_MIN_ROWS rows) as through INSERT.

Each test writes the same objects both ways (the threshold moved so that one call takes each path)
and compares every column but the keys; on SQLite both calls take the INSERT path (no COPY there),
which the test checks too. Run it on both databases (docs/performance.md, "Chargements en masse").
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core import bulk
from geo.models import Groupement
from plans.models import Action, ActionPlan, Funding
from plans.tests.test_bulk_history import actions, fundings, history, table

ALWAYS, NEVER = 1, 10**9


@pytest.fixture
def copies(monkeypatch):
    """The tables written through COPY during the test."""
    written = []
    real = bulk.copy_rows

    def spy(conn, table_name, columns, rows):
        written.append(table_name)
        return real(conn, table_name, columns, rows)

    monkeypatch.setattr(bulk, "copy_rows", spy)
    return written


def write(plan, user, threshold, monkeypatch):
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", threshold)
    journal = {"default_user": user, "default_change_reason": "Import du fichier plan.xlsx"}
    created = bulk.bulk_create_with_history(actions(plan), Action, **journal)
    created_fundings = bulk.bulk_create_with_history(fundings(created), Funding, **journal)
    return created, created_fundings


def test_copy_writes_the_rows_insert_writes(territory, other_territory, copies, monkeypatch):
    user = get_user_model().objects.create(username="import@example.org")
    plan_insert = ActionPlan.objects.create(territory=territory)
    plan_copy = ActionPlan.objects.create(territory=other_territory)

    by_insert, fundings_insert = write(plan_insert, user, NEVER, monkeypatch)
    assert copies == []
    by_copy, fundings_copy = write(plan_copy, user, ALWAYS, monkeypatch)

    if connection.vendor == "postgresql":
        assert copies == [
            "plans_action",
            Action.history.model._meta.db_table,
            "plans_funding",
            Funding.history.model._meta.db_table,
        ]
    else:
        assert copies == []
    assert table(Action, by_copy) == table(Action, by_insert)
    assert history(Action, by_copy) == history(Action, by_insert)
    assert table(Funding, fundings_copy) == table(Funding, fundings_insert)
    assert history(Funding, fundings_copy) == history(Funding, fundings_insert)
    assert history(Action, by_copy)[0]["history_user_id"] == user.pk
    # The keys given to the objects are those of their rows, ascending in input order as with INSERT.
    keys = [a.pk for a in by_copy]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    stored = dict(Action.objects.filter(pk__in=keys).values_list("pk", "code"))
    assert [stored[a.pk] for a in by_copy] == [a.code for a in by_copy]
    assert [f.action_id for f in fundings_copy] == [a.pk for a in by_copy for _ in (1, 2)]
    # The sequence moved past the copied keys: the next ordinary INSERT does not collide.
    after = Action.objects.create(plan=plan_copy, code="APRES", title="Après la copie")
    assert after.pk > max(keys)


def test_upsert_by_copy_writes_what_bulk_create_writes(db, copies, monkeypatch):
    existing = list(Groupement.objects.order_by("siren")[:3])
    assert len(existing) == 3

    def upsert(threshold):
        monkeypatch.setattr(bulk, "COPY_MIN_ROWS", threshold)
        rows = [
            Groupement(
                siren=g.siren,
                name=f"{g.name} (renommé)",
                nature=g.nature,
                population=g.population + 1,
                search_name=g.search_name,
            )
            for g in existing
        ] + [
            Groupement(
                siren=f"99999999{n}",
                name=f"[Exemple] Groupement {n}",
                nature=existing[0].nature,
                population=n,
                search_name=f"exemple groupement {n}",
            )
            for n in (1, 2)
        ]
        bulk.bulk_upsert(rows, Groupement, ["siren"], ["name", "population"])
        sirens = [g.siren for g in rows]
        return sorted(Groupement.objects.filter(siren__in=sirens).values(), key=str)

    with pytest.raises(RuntimeError):  # rolled back: the second write starts from the same rows
        with bulk.transaction.atomic():
            by_insert = upsert(NEVER)
            raise RuntimeError
    by_copy = upsert(ALWAYS)
    assert by_copy == by_insert
    assert len(by_copy) == 5
    renamed = {row["siren"]: row for row in by_copy}
    assert renamed[existing[0].siren]["name"] == f"{existing[0].name} (renommé)"
    assert renamed[existing[0].siren]["search_name"] == existing[0].search_name
    assert renamed["999999991"]["population"] == 1
    assert copies == (["copy_geo_groupement"] if connection.vendor == "postgresql" else [])
