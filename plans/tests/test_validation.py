"""Model rules: SIRET key, allowed values, date order, amounts ≥ 0, communes within the territory."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.forms import ActionForm
from plans.models import Action, Funding
from plans.validation import luhn_is_valid, siret_is_valid, validate_action_code, validate_siret


def with_luhn_key(base13: str) -> str:
    return next(base13 + str(k) for k in range(10) if luhn_is_valid(base13 + str(k)))


def test_known_sirets():
    assert siret_is_valid("73282932000074")  # a real, published SIRET
    assert not siret_is_valid("73282932000075")  # wrong key
    assert not siret_is_valid("7328293200007")  # 13 digits
    assert not siret_is_valid("7328293200007A")
    assert siret_is_valid("35600000000047") and not luhn_is_valid(
        "35600000000047"
    )  # La Poste: digit sum ÷ 5
    with pytest.raises(ValidationError, match="Luhn"):
        validate_siret("12345678901234")
    validate_siret("")  # optional


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 13), st.integers(1, 9)
)
def test_luhn_key_accepts_valid_and_catches_any_single_digit_error(base, position, delta):
    siret = with_luhn_key(base)
    if siret.startswith("356000000"):
        return  # La Poste's own rule
    assert siret_is_valid(siret)
    altered = siret[:position] + str((int(siret[position]) + delta) % 10) + siret[position + 1 :]
    assert not siret_is_valid(altered)


@pytest.mark.parametrize("code", ["TE-01", "a", "FO_2.b", "X" * 20])
def test_valid_action_codes(code):
    validate_action_code(code)


@pytest.mark.parametrize("code", ["", "-TE", "TE 01", "X" * 21, "TE/01", "é"])
def test_invalid_action_codes(code):
    with pytest.raises(ValidationError):
        validate_action_code(code)


def test_model_rules(plan):
    action = Action(
        plan=plan,
        code="T-1",
        title="Essai",
        axis="innovation",
        carrier_siret="12345678901234",
        total_cost=Decimal("-1"),
        start_date=date(2025, 5, 1),
        end_date=date(2025, 1, 1),
        status="inconnu",
    )
    with pytest.raises(ValidationError) as raised:
        action.full_clean()
    errors = raised.value.message_dict
    assert set(errors) >= {"carrier_siret", "total_cost", "end_date", "status"}
    assert "précède" in errors["end_date"][0]
    funding = Funding(
        action=plan.actions.first(),
        funder="Région",
        amount=Decimal("-5"),
        state="accorde",
        requested_on=date(2025, 3, 1),
        decided_on=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as raised:
        funding.full_clean()
    assert set(raised.value.message_dict) == {"amount", "decided_on"}


def test_action_form_only_offers_communes_of_the_territory(plan, other_territory):
    outside = other_territory.territory_communes.first()
    inside = plan.territory.territory_communes.first()
    base = {
        "code": "NEW-1",
        "title": "Essai",
        "axis": "foncier",
        "maturity": "idee",
        "status": "a-venir",
    }
    form = ActionForm({**base, "communes": [outside.pk]}, plan=plan)
    assert not form.is_valid() and "communes" in form.errors
    form = ActionForm({**base, "communes": [inside.pk]}, plan=plan)
    assert form.is_valid(), form.errors


def test_action_form_refuses_a_code_taken_in_the_plan(plan):
    taken = plan.actions.first().code
    form = ActionForm(
        {
            "code": taken,
            "title": "Essai",
            "axis": "foncier",
            "maturity": "idee",
            "status": "a-venir",
        },
        plan=plan,
    )
    assert not form.is_valid()
    assert "déjà utilisé" in form.errors["code"][0]


def test_computed_figures(plan):
    action = Action.objects.create(
        plan=plan,
        code="CALC-1",
        title="Calcul",
        axis="innovation",
        total_cost=Decimal("1000"),
        end_date=date(2020, 1, 1),
        status="en-cours",
    )
    # Granted and paid amounts are their own fields now (plans migration 0004): a line counts by its
    # state, for the amount it carries.
    Funding.objects.create(
        action=action,
        funder="État",
        amount=Decimal("400"),
        granted_amount=Decimal("300"),
        paid_amount=Decimal("300"),
        state="verse",
    )
    Funding.objects.create(
        action=action,
        funder="Région",
        amount=Decimal("200"),
        granted_amount=Decimal("200"),
        state="accorde",
    )
    Funding.objects.create(
        action=action, funder="Département", amount=Decimal("400"), state="refuse"
    )
    Funding.objects.create(action=action, funder="EPCI", amount=Decimal("50"), state="sollicite")
    assert action.amount_granted() == Decimal("500")
    assert action.amount_paid() == Decimal("300")
    assert action.financing_rate == 0.5
    assert action.is_late
    assert Action.objects.late().filter(pk=action.pk).count() == 1
    action.status = "realise"
    action.save()
    assert not action.is_late
    assert Action.objects.late().filter(pk=action.pk).count() == 0
