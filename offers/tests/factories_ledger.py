"""Test data of the ledger and suggestions: operators, services, actions, requests and decisions, made
directly on the models (the request screens belong to another family)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from offers.models import Operator, RequestState, Service, ServiceRequest
from plans.models import Action, ActionPlan, Funding, FundingState

_numbers = count(1)
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def operator(slug: str | None = None, name: str | None = None) -> Operator:
    slug = slug or f"operateur-{next(_numbers)}"
    return Operator.objects.get_or_create(slug=slug, defaults={"name": name or slug.title()})[0]


def service(operator_, title: str | None = None, **fields) -> Service:
    number = next(_numbers)
    values = {
        "slug": f"service-{number}",
        "title": title or f"Service {number}",
        "operator": operator_,
        "axes": ["innovation"],
        "kind": "ingenierie",
        "applicants": ["territoire"],
        "scope": "national",
        "source": "https://example.org/source",
    }
    values.update(fields)
    return Service.objects.create(**values)


def action(territory, axis: str = "innovation", **fields) -> Action:
    plan, _ = ActionPlan.objects.get_or_create(territory=territory)
    number = next(_numbers)
    values = {"plan": plan, "code": f"T-{number}", "title": f"Action {number}", "axis": axis}
    values.update(fields)
    return Action.objects.create(**values)


def request(
    service_,
    territory,
    action_=None,
    *,
    asked: Decimal | None = None,
    state: str = RequestState.ENVOYEE,
    granted: Decimal | None = None,
    paid: Decimal | None = None,
    days_to_decision: float | None = None,
    created_at: datetime = START,
) -> ServiceRequest:
    """A request; when decided (accepted or refused) with ``days_to_decision``, its decision date, and
    for an accepted one its decision in the action's financement (granted, then paid)."""
    decided_at = None
    if state in (RequestState.ACCEPTEE, RequestState.REFUSEE) and days_to_decision is not None:
        decided_at = created_at + timedelta(days=days_to_decision)
    funding = None
    if action_ is not None and (granted is not None or paid is not None or asked is not None):
        funding_state = {
            RequestState.ACCEPTEE: FundingState.VERSE if paid else FundingState.ACCORDE,
            RequestState.REFUSEE: FundingState.REFUSE,
        }.get(state, FundingState.SOLLICITE)
        funding = Funding.objects.create(
            action=action_,
            funder=service_.operator.name,
            scheme=service_.title,
            amount=asked or Decimal(0),
            granted_amount=granted,
            paid_amount=paid,
            state=funding_state,
            decided_on=decided_at.date() if decided_at else None,
        )
    return ServiceRequest.objects.create(
        service=service_,
        operator=service_.operator,
        territory=territory,
        action=action_,
        message="Demande de test",
        amount_requested=asked,
        state=state,
        funding=funding,
        decided_at=decided_at,
        created_at=created_at,
    )
