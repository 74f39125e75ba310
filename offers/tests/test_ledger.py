"""The ledger's numbers against the decisions computed directly, on generated requests (hypothesis)."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offers.models import RequestState, ServiceRequest
from offers.services.ledger import DIMENSIONS, compute_ledger, numbers
from offers.tests import factories_ledger as make
from plans.models import Funding
from plans.services.demo import demo_territories

STATES = [s.value for s in RequestState]
AXES = ["innovation", "foncier", None]  # None: a request from the plan as a whole
money = st.none() | st.integers(min_value=0, max_value=10_000_000).map(Decimal)

request_strategy = st.fixed_dictionaries(
    {
        "operator": st.integers(0, 2),
        "territory": st.integers(0, 1),
        "axis": st.sampled_from(AXES),
        "state": st.sampled_from(STATES),
        "asked": money,
        "granted": money,
        "paid": money,
        "days": st.none() | st.integers(min_value=0, max_value=400),
    }
)


@pytest.fixture
def territories(real_data):
    return demo_territories("2023-2027", 2)


def _close(found, expected) -> bool:
    # Medians are rounded to one decimal; with whole days the exact median is a whole or half day.
    if expected is None:
        return found is None
    return found is not None and abs(found - expected) <= 0.05 + 1e-9


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(request_strategy, max_size=25))
def test_totals_equal_the_decisions_computed_directly(territories, specs):
    with transaction.atomic():
        operators = [make.operator(f"op-{n}") for n in range(3)]
        services = [make.service(o) for o in operators]
        made = []
        for spec in specs:
            territory = territories[spec["territory"]]
            action = make.action(territory, spec["axis"]) if spec["axis"] else None
            made.append(
                make.request(
                    services[spec["operator"]],
                    territory,
                    action,
                    asked=spec["asked"],
                    state=spec["state"],
                    granted=spec["granted"],
                    paid=spec["paid"],
                    days_to_decision=spec["days"],
                )
            )
        scope = ServiceRequest.objects.filter(pk__in=[r.pk for r in made])

        # Expected values, from the generated specs and the decisions' rows (never from the ledger).
        fundings = Funding.objects.filter(service_request__in=scope)
        decided = [s for s in specs if s["state"] in ("acceptee", "refusee")]
        days = [s["days"] for s in decided if s["days"] is not None]
        expected_granted = sum((f.granted_amount or 0 for f in fundings), Decimal(0))
        expected_paid = sum((f.paid_amount or 0 for f in fundings), Decimal(0))

        for group_by in [(), ("operator",), ("territory", "axis"), DIMENSIONS]:
            ledger = compute_ledger(scope, group_by)
            totals = ledger.totals
            assert totals.requests == len(specs)
            assert totals.asked == sum((s["asked"] or 0 for s in specs), Decimal(0))
            assert totals.granted == expected_granted
            assert totals.paid == expected_paid
            assert totals.decided == len(decided)
            assert totals.refused == sum(1 for s in decided if s["state"] == "refusee")
            assert _close(totals.median_days, statistics.median(days) if days else None)
            # Each decision once: the rows add up to the totals, whatever the grouping.
            if group_by:
                assert sum(r.requests for r in ledger.rows) == totals.requests
                assert sum((r.asked for r in ledger.rows), Decimal(0)) == totals.asked
                assert sum((r.granted for r in ledger.rows), Decimal(0)) == totals.granted
                assert sum((r.paid for r in ledger.rows), Decimal(0)) == totals.paid
                assert sum(r.refused for r in ledger.rows) == totals.refused

        # A page of rows at a time gives the same rows, in the same order.
        full = compute_ledger(scope, DIMENSIONS)
        paged = []
        for offset in range(0, full.row_count, 4):
            window = compute_ledger(scope, DIMENSIONS, (offset, 4))
            assert window.row_count == full.row_count
            paged += window.rows
        assert [(r.keys, numbers(r)) for r in paged] == [(r.keys, numbers(r)) for r in full.rows]

        # Per operator, against the specs.
        by_operator = {r.keys["operator"]: r for r in compute_ledger(scope, ("operator",)).rows}
        for index, operator in enumerate(operators):
            mine = [s for s in specs if s["operator"] == index]
            row = by_operator.get(operator.pk)
            if not mine:
                assert row is None
                continue
            assert row.requests == len(mine)
            mine_days = [
                s["days"]
                for s in mine
                if s["state"] in ("acceptee", "refusee") and s["days"] is not None
            ]
            assert _close(row.median_days, statistics.median(mine_days) if mine_days else None)
            mine_decided = [s for s in mine if s["state"] in ("acceptee", "refusee")]
            refused = sum(1 for s in mine_decided if s["state"] == "refusee")
            assert row.refusal_rate == (
                round(100 * refused / len(mine_decided), 1) if mine_decided else None
            )
        transaction.set_rollback(True)


def test_a_decision_counts_once_and_a_plan_request_has_no_axis(territories):
    operator = make.operator("op-unique")
    service = make.service(operator)
    action = make.action(territories[0], "foncier")
    make.request(
        service,
        territories[0],
        action,
        asked=Decimal(1000),
        state="acceptee",
        granted=Decimal(800),
        paid=Decimal(300),
        days_to_decision=10,
    )
    make.request(
        service, territories[0], None, asked=Decimal(50), state="refusee", days_to_decision=4
    )
    make.request(service, territories[1], None, asked=None)
    ledger = compute_ledger(ServiceRequest.objects.filter(operator=operator), ("axis",))
    labels = [row.labels["axis"] for row in ledger.rows]
    assert labels == ["Mobilisation du foncier industriel", "Plan entier (sans axe)"]
    totals = ledger.totals
    assert (totals.requests, totals.asked, totals.granted, totals.paid) == (
        3,
        Decimal("1050.00"),
        Decimal("800.00"),
        Decimal("300.00"),
    )
    assert totals.refusal_rate == 50.0
    assert totals.median_days == 7.0
    assert ledger.table()[-1] == [
        "Total",
        3,
        Decimal("1050.00"),
        Decimal("800.00"),
        Decimal("300.00"),
        2,
        50.0,
        7.0,
    ]


def test_unknown_grouping_is_refused(territories):
    with pytest.raises(ValueError):
        compute_ledger(ServiceRequest.objects.all(), ("nope",))
