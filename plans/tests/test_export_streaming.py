"""The export writes its rows as it reads them (plans/services/exporting.py): the sheet's financement
columns still reach the widest action, and plans read in batches keep the export's order."""

import csv
import io

from plans.models import Action, Funding
from plans.services import exporting
from plans.tests.conftest import fill_plan


def test_widest_action_and_order_across_plan_batches(territory, other_territory, monkeypatch):
    plans = [fill_plan(territory, 4), fill_plan(other_territory, 3, seed=1)]
    widest = Action.objects.filter(plan=plans[1]).order_by("code").last()
    for position in range(7):  # more than the template's 5 groups
        Funding.objects.create(
            action=widest, position=position + 10, funder=f"Financeur {position}", amount=1000
        )
    monkeypatch.setattr(exporting, "PLANS_PER_BATCH", 1)  # one plan per batch
    stream = io.BytesIO()
    count = exporting.export_actions(Action.objects.filter(plan__in=plans), stream, "csv")

    rows = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig")), delimiter=";"))
    headers, lines = rows[0], rows[1:]
    total = widest.fundings.count()
    assert count == len(lines) == 7
    assert any(h.startswith(f"Financement {total} — ") for h in headers)
    assert not any(h.startswith(f"Financement {total + 1} — ") for h in headers)
    expected = [
        (a.plan.territory.phase_id, a.plan.territory.ti_id, a.code)
        for a in Action.objects.filter(plan__in=plans).select_related("plan__territory")
    ]
    # Columns: territory identifier, territory name, action code…
    assert [(line[0], line[2]) for line in lines] == [
        (ti, code) for _, ti, code in sorted(expected)
    ]
