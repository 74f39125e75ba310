"""core.bulk writes exactly the rows simple-history's own bulk helpers write (issue 10).

The fast path (core/bulk.py) rewrites part of bulk_create and of simple-history for speed; this test writes the
same objects both ways and compares every row of the model's table and of its history table, so that an
upgrade of Django or simple-history that changes either side fails here. Run it on SQLite and on
PostgreSQL (docs/decisions.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from simple_history import utils as simple_history

from core import bulk
from plans.models import Action, ActionPlan, Funding

# Columns that differ by nature between two writes: keys, the plan each set goes to, timestamps.
VARYING = {"id", "plan_id", "action_id", "history_id", "history_date", "created_at", "updated_at"}


def actions(plan) -> list[Action]:
    return [
        Action(
            plan=plan,
            code=f"B-{number}",
            title=f"Action « {number} » — réindustrialisation",
            description="ligne 1\nligne 2" if number % 2 else "",
            axis=["innovation", "transition-ecologique", "competences", "foncier"][number % 4],
            carrier_name="Commune d'Exemple" if number % 3 else "",
            total_cost=Decimal("1234.50") * number if number % 2 else None,
            start_date=date(2025, 1, 1 + number) if number % 2 else None,
            jobs_created=number if number % 3 else None,
            confidential=bool(number % 2),
        )
        for number in range(1, 13)
    ]


def fundings(created: list[Action]) -> list[Funding]:
    return [
        Funding(
            action=action,
            position=position,
            funder=f"Financeur {position}",
            amount=Decimal("1000.25") * position,
            requested_on=date(2025, 3, position),
        )
        for action in created
        for position in (1, 2)
    ]


def table(model, objs) -> list[dict]:
    by_pk = {obj.pk: index for index, obj in enumerate(objs)}
    rows = sorted(model.objects.filter(pk__in=by_pk).values(), key=lambda row: by_pk[row["id"]])
    assert len(rows) == len(objs)
    return [{k: v for k, v in row.items() if k not in VARYING} for row in rows]


def history(model, objs) -> list[dict]:
    by_pk = {obj.pk: index for index, obj in enumerate(objs)}
    rows = sorted(
        model.history.filter(id__in=by_pk).values(),
        key=lambda row: (row["history_type"], by_pk[row["id"]]),
    )
    assert all(row["history_date"] is not None for row in rows)
    return [{k: v for k, v in row.items() if k not in VARYING} for row in rows]


@pytest.fixture
def two_plans(territory, other_territory):
    return ActionPlan.objects.create(territory=territory), ActionPlan.objects.create(
        territory=other_territory
    )


def test_fast_path_writes_the_rows_simple_history_writes(two_plans):
    reference_plan, fast_plan = two_plans
    user = get_user_model().objects.create(username="import@example.org")
    journal = {"default_user": user, "default_change_reason": "Import du fichier plan.xlsx"}

    reference = simple_history.bulk_create_with_history(
        actions(reference_plan), Action, batch_size=5, **journal
    )
    fast = bulk.bulk_create_with_history(actions(fast_plan), Action, batch_size=5, **journal)
    assert table(Action, fast) == table(Action, reference)
    assert history(Action, fast) == history(Action, reference)
    assert history(Action, fast)[0]["history_type"] == "+"
    assert history(Action, fast)[0]["history_user_id"] == user.pk

    reference_fundings = simple_history.bulk_create_with_history(
        fundings(reference), Funding, **journal
    )
    fast_fundings = bulk.bulk_create_with_history(fundings(fast), Funding, **journal)
    assert table(Funding, fast_fundings) == table(Funding, reference_fundings)
    assert history(Funding, fast_fundings) == history(Funding, reference_fundings)
    # The foreign keys point at the matching objects of each set.
    assert [f.action_id for f in fast_fundings] == [a.pk for a in fast for _ in (1, 2)]

    for objs in (reference, fast):
        for action in objs:
            action.title += " (modifiée)"
            action.total_cost = Decimal("99.99")
            action.status = "en-cours" if action.pk % 2 else "bloque"
    fields = ["title", "total_cost", "status"]
    simple_history.bulk_update_with_history(reference, Action, fields, **journal)
    bulk.bulk_update_with_history(fast, Action, fields, **journal)
    assert table(Action, fast) == table(Action, reference)
    assert history(Action, fast) == history(Action, reference)
    assert [row["history_type"] for row in history(Action, fast)] == ["+"] * 12 + ["~"] * 12
