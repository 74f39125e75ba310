"""Fixtures of the stats tests: a small programme of published plans on the real territories."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Role
from accounts.services.roles import grant_role
from plans.models import Action, ActionPlan, Funding, PlanState
from plans.services.publication import publish
from territories.models import Phase, Territory

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=PARIS)


def _action(plan, code, axis, status, maturity, **extra):
    return Action.objects.create(
        plan=plan,
        code=code,
        title=f"[Exemple] {code}",
        axis=axis,
        status=status,
        maturity=maturity,
        **extra,
    )


def _funding(action, funder, scheme, amount, state, granted=None, paid=None):
    return Funding.objects.create(
        action=action,
        funder=funder,
        scheme=scheme,
        amount=Decimal(amount),
        state=state,
        granted_amount=None if granted is None else Decimal(granted),
        paid_amount=None if paid is None else Decimal(paid),
    )


@pytest.fixture
def programme(real_data):
    """Meaux (77, Île-de-France) with three published actions, one confidential, one archived and one
    added after the validation; another Île-de-France territory outside 77 with one; one in the Nord
    with one; a draft plan in Île-de-France (never published)."""
    phase = Phase.objects.get(code="2023-2027")
    meaux = Territory.objects.get(phase=phase, ti_id="ti-1108")
    idf = (
        Territory.objects.filter(phase=phase, principal_region_id="11")
        .exclude(principal_departement_id="77")
        .order_by("ti_id")
    )
    other_idf, draft_idf = idf[0], idf[1]
    nord = Territory.objects.filter(phase=phase, principal_departement_id="59").first()

    plan = ActionPlan.objects.create(territory=meaux, state=PlanState.VALIDE)
    a1 = _action(plan, "IN-01", "innovation", "en-cours", "pret")
    _funding(a1, "Bpifrance", "Dispositif X", "1000", "accorde", granted="800")
    _funding(a1, "Région", "", "500", "verse", granted="500", paid="300")
    a2 = _action(plan, "FO-01", "foncier", "a-venir", "idee")
    _funding(a2, "Bpifrance", "Dispositif X", "200", "refuse")
    secret = _action(plan, "IN-02", "innovation", "en-cours", "pret", confidential=True)
    _funding(secret, "Bpifrance", "Dispositif X", "10000", "accorde", granted="9000")
    _action(plan, "CO-09", "competences", "realise", "realise", archived=True)
    publish(plan)
    _action(plan, "IN-03", "innovation", "a-venir", "idee")  # after the validation: not public yet

    plan2 = ActionPlan.objects.create(territory=other_idf, state=PlanState.VALIDE)
    a6 = _action(plan2, "CO-01", "competences", "realise", "realise")
    _funding(a6, "État", "Fonds vert", "100.50", "sollicite")
    publish(plan2)

    plan3 = ActionPlan.objects.create(territory=nord, state=PlanState.VALIDE)
    _action(plan3, "IN-01", "innovation", "en-cours", "en-cours")
    publish(plan3)

    draft = ActionPlan.objects.create(territory=draft_idf, state=PlanState.BROUILLON)
    _action(draft, "IN-01", "innovation", "en-cours", "pret")

    User = get_user_model()
    lead = User.objects.create(username="cdp@example.org", email="cdp@example.org")
    grant_role(lead, Role.CHEF_DE_PROJET, territory=meaux)
    outsider = User.objects.create(username="coord@example.org", email="coord@example.org")
    grant_role(outsider, Role.COORDINATEUR, region_id="32")
    return {
        "phase": phase,
        "meaux": meaux,
        "other_idf": other_idf,
        "draft_idf": draft_idf,
        "nord": nord,
        "secret": secret,
        "a1": a1,
        "lead": lead,
        "outsider": outsider,
    }
