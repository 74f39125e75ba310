"""Financements' amounts asked, granted and paid: the rule, the spreadsheet columns (round trip, errors,
old files), the forms, the summaries, and the rows kept in place by a re-import."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plans.models import Action, ActionPlan, Funding
from plans.services.importing import import_plans
from plans.services.summary import funding_totals, summarize
from plans.tests.test_import_errors import base_row, fill, refused, template_sheet
from plans.tests.test_spreadsheet import exported, snapshot, write
from plans.validation import complete_funding_amounts

D = Decimal


@pytest.mark.parametrize(
    ("state", "granted", "paid", "expected"),
    [
        ("accorde", None, None, (D(100), None, [])),  # granted the whole amount asked
        ("verse", None, None, (D(100), D(100), [])),  # and paid the whole amount granted
        ("verse", D(80), None, (D(80), D(80), [])),
        ("verse", D(80), D(30), (D(80), D(30), [])),  # a first instalment
        ("accorde", D(150), None, (D(150), None, [])),  # more than asked is allowed
        ("sollicite", None, None, (None, None, [])),
        ("refuse", None, None, (None, None, [])),
    ],
)
def test_complete_funding_amounts_fills_in(state, granted, paid, expected):
    assert complete_funding_amounts(D(100), granted, paid, state) == expected


@pytest.mark.parametrize(
    ("state", "granted", "paid", "field"),
    [
        ("verse", D(80), D(90), "paid_amount"),  # paid above granted
        ("sollicite", D(80), None, "granted_amount"),
        ("refuse", None, D(10), "paid_amount"),
        ("accorde", D(80), D(10), "paid_amount"),  # a payment makes the line « Versé »
    ],
)
def test_complete_funding_amounts_refuses(state, granted, paid, field):
    problems = complete_funding_amounts(D(100), granted, paid, state)[2]
    assert [name for name, _ in problems] == [field]


@pytest.fixture
def action(territory):
    plan = ActionPlan.objects.create(territory=territory)
    return Action.objects.create(
        plan=plan, code="FIN-1", title="Financements", axis="foncier", total_cost=D(1000)
    )


def test_model_clean_fills_in_and_checks(action):
    funding = Funding(action=action, funder="Région", amount=D(300), state="verse")
    funding.full_clean()
    assert (funding.granted_amount, funding.paid_amount) == (D(300), D(300))
    funding.paid_amount = D(400)
    with pytest.raises(ValidationError) as raised:
        funding.full_clean()
    assert "dépasse le montant accordé" in str(raised.value.message_dict["paid_amount"])
    funding = Funding(
        action=action,
        funder="Région",
        amount=D(300),
        state="verse",
        decided_on=date(2025, 5, 1),
        paid_on=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as raised:
        funding.full_clean()
    assert "paid_on" in raised.value.message_dict


def test_summaries_read_the_granted_and_paid_amounts(action):
    for funder, amount, state, granted, paid in [
        ("État", 400, "verse", 300, 100),
        ("Région", 200, "accorde", 150, None),
        ("Département", 500, "refuse", None, None),
        ("EPCI", 50, "sollicite", None, None),
    ]:
        Funding.objects.create(
            action=action,
            funder=funder,
            amount=D(amount),
            state=state,
            granted_amount=granted,
            paid_amount=paid,
        )
    axis = next(
        a for a in summarize(Action.objects.filter(pk=action.pk)).axes if a.axis == "foncier"
    )
    # Asked: refusals apart; granted: 300 + 150 (not the 600 asked); paid: 100.
    assert (axis.amount_requested, axis.amount_granted, axis.amount_paid) == (
        D(650),
        D(450),
        D(100),
    )
    lines = {line.funder: line for line in funding_totals(Action.objects.filter(pk=action.pk))}
    assert (lines["État"].requested, lines["État"].granted, lines["État"].paid) == (
        D(400),
        D(300),
        D(100),
    )
    assert action.amount_granted() == D(450) and action.financing_rate == 0.45


def _funded_plan(territory):
    plan = ActionPlan.objects.create(territory=territory)
    action = Action.objects.create(plan=plan, code="RT-1", title="Aller-retour", axis="innovation")
    Funding.objects.create(
        action=action,
        position=1,
        funder="Banque",
        amount=D("1000.50"),
        state="verse",
        granted_amount=D("800.25"),
        paid_amount=D("200"),
        decided_on=date(2025, 2, 1),
        paid_on=date(2025, 3, 1),
    )
    Funding.objects.create(
        action=action,
        position=2,
        funder="Région",
        amount=D(500),
        state="accorde",
        granted_amount=D(600),
    )
    return plan


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_keeps_granted_and_paid_amounts_and_the_rows(territory, tmp_path, fmt):
    plan = _funded_plan(territory)
    before, ids = snapshot(plan), sorted(Funding.objects.values_list("pk", flat=True))
    content = exported(Action.objects.filter(plan=plan), fmt)
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        assert "Financement 1 — montant accordé (€)" in header
        assert "Financement 1 — montant versé (€)" in header
    report = import_plans(
        write(tmp_path, f"plan.{fmt}", content), territory.phase_id, territory.ti_id
    )
    assert report.count("unchanged") == 1
    assert snapshot(plan) == before

    # A changed amount granted is written to the same row (a service request may point to it).
    text = content.decode("utf-8-sig") if fmt == "csv" else None
    if text:
        changed = text.replace("800,25", "700").replace("800.25", "700")
        assert changed != text
        import_plans(
            write(tmp_path, "plan2.csv", changed.encode("utf-8-sig")),
            territory.phase_id,
            territory.ti_id,
        )
        assert sorted(Funding.objects.values_list("pk", flat=True)) == ids
        banque = Funding.objects.get(funder="Banque")
        assert banque.granted_amount == D(700)
        last = banque.history.order_by("-history_id").first()
        assert (last.history_type, last.granted_amount) == ("~", D(700))
        assert "plan2.csv" in last.history_change_reason


def test_import_errors_name_the_granted_and_paid_columns(territory, tmp_path):
    workbook, sheet = template_sheet()
    fill(
        sheet,
        [
            base_row(
                territory,
                **{
                    "Code de l'action": "P-1",
                    "Financement 1 — financeur": "Région",
                    "Financement 1 — montant (€)": 100,
                    "Financement 1 — état": "Versé",
                    "Financement 1 — montant accordé (€)": 80,
                    "Financement 1 — montant versé (€)": 90,
                },
            ),
            base_row(
                territory,
                **{
                    "Code de l'action": "P-2",
                    "Financement 1 — financeur": "État",
                    "Financement 1 — montant (€)": 100,
                    "Financement 1 — état": "Sollicité",
                    "Financement 1 — montant accordé (€)": 100,
                },
            ),
        ],
    )
    problems = refused(tmp_path, workbook, territory)
    found = {(p.row, p.column.split(" — ", 1)[1]): p.message for p in problems}
    assert "dépasse le montant accordé" in found[(2, "Financement 1 — montant versé (€)")]
    assert (
        "sollicité n'a pas de montant accordé" in found[(3, "Financement 1 — montant accordé (€)")]
    )


def test_a_file_without_the_new_columns_keeps_its_meaning(territory, tmp_path):
    """A file written before the granted and paid columns: an « Accordé » line was granted its amount."""
    content = (
        "Code de l'action;Intitulé;Axe;Financement 1 — financeur;Financement 1 — montant (€);"
        "Financement 1 — état\nOLD-1;Ancien fichier;Innovation;Région;2500;Versé\n"
    )
    import_plans(
        write(tmp_path, "ancien.csv", content.encode("utf-8")), territory.phase_id, territory.ti_id
    )
    funding = Funding.objects.get(action__code="OLD-1")
    assert (funding.amount, funding.granted_amount, funding.paid_amount) == (
        D(2500),
        D(2500),
        D(2500),
    )


def test_the_action_form_takes_granted_and_paid_amounts(client, territory, person):
    from django.urls import reverse

    from accounts.models import Role
    from plans.tests.test_views import action_data

    client.force_login(person(Role.CHEF_DE_PROJET, territory=territory))
    url = reverse("plans:action_create", args=[territory.phase_id, territory.ti_id])
    response = client.post(
        url,
        action_data(
            **{
                "financements-0-state": "verse",
                "financements-0-granted_amount": "200",
                "financements-0-paid_amount": "250",
            }
        ),
    )
    assert response.status_code == 400
    assert "dépasse le montant accordé" in response.content.decode()
    response = client.post(
        url,
        action_data(**{"financements-0-state": "verse", "financements-0-granted_amount": "200"}),
    )
    assert response.status_code == 302
    funding = Funding.objects.get(action__code="WEB-1")
    assert (funding.amount, funding.granted_amount, funding.paid_amount) == (D(250), D(200), D(200))


def test_an_old_file_leaves_the_granted_amounts_already_there_alone(territory, tmp_path):
    """Re-importing a file without the new columns does not overwrite a decision granting less."""
    _funded_plan(territory)
    content = (
        "Code de l'action;Intitulé;Axe;Financement 1 — financeur;Financement 1 — montant (€);"
        "Financement 1 — état;Financement 2 — financeur;Financement 2 — montant (€);"
        "Financement 2 — état\n"
        "RT-1;Aller-retour;Innovation;Banque;1000,50;Versé;Région;500;Accordé\n"
    )
    import_plans(
        write(tmp_path, "ancien.csv", content.encode("utf-8")), territory.phase_id, territory.ti_id
    )
    # (Its absent date columns empty the dates, as any absent column of a group always did.)
    amounts = dict(Funding.objects.values_list("funder", "granted_amount"))
    assert amounts == {"Banque": D("800.25"), "Région": D(600)}
    assert Funding.objects.get(funder="Banque").paid_amount == D(200)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(D("224000.00"), "224\xa0000 €"), (D("1250000.50"), "1\xa0250\xa0000,50 €")],
)
def test_a_funding_reads_its_amount_in_french(amount, expected):
    # The journal and the history name a funding by its str() (walk of 2026-12-04: « 224000.00 € »).
    assert str(Funding(funder="Banque des Territoires", amount=amount)) == (
        f"Banque des Territoires — {expected}"
    )
