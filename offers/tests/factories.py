"""Small factories of the public catalogue's tests: operators, services, plans with actions, requests.

Deterministic; titles say what they are for. Each keyword argument overrides a field.
"""

from __future__ import annotations

import itertools

from django.utils.text import slugify

from offers.models import Operator, RequestState, Service, ServiceRequest
from plans.models import Action, ActionPlan, PlanState
from plans.services.publication import publish
from territories.models import Territory

_numbers = itertools.count(1)


def make_operator(name: str = "Opérateur d'essai", **fields) -> Operator:
    slug = fields.pop("slug", None) or f"{slugify(name)[:50]}-{next(_numbers)}"
    return Operator.objects.create(slug=slug, name=name, **fields)


def make_service(title: str = "Service d'essai", operator: Operator | None = None, **fields):
    """A service (national, open, every applicant) unless told otherwise; ``regions``,
    ``departements``, ``territories``: lists of codes / Territory objects for the scope."""
    areas = {name: fields.pop(name, []) for name in ("regions", "departements", "territories")}
    values = {
        "slug": f"{slugify(title)[:60]}-{next(_numbers)}",
        "kind": "ingenierie",
        "axes": ["foncier"],
        "applicants": ["territoire"],
        "scope": "national",
        "source": "https://example.org/source",
        **fields,
    }
    service = Service.objects.create(title=title, operator=operator or make_operator(), **values)
    for name, items in areas.items():
        if items:
            getattr(service, name).set(items)
    return service


def territory(phase: str, ti_id: str) -> Territory:
    return Territory.objects.get(phase_id=phase, ti_id=ti_id)


def territory_in(phase: str, departement: str) -> Territory:
    """The first territory (by identifier) of ``phase`` touching ``departement``."""
    return Territory.objects.filter(phase_id=phase, departements=departement).order_by("ti_id")[0]


def make_plan(territory: Territory, *actions: dict, validated: bool = True) -> ActionPlan:
    """The territory's plan with ``actions`` (dicts: code, title, and optionally confidential...);
    validated (its public snapshot written) unless told otherwise."""
    plan, _ = ActionPlan.objects.get_or_create(territory=territory)
    for number, fields in enumerate(actions, 1):
        Action.objects.create(
            plan=plan, **{"code": f"FO-{number:02d}", "axis": "foncier", **fields}
        )
    if validated:
        plan.state = PlanState.VALIDE
        plan.save()
        publish(plan)
    return plan


def make_request(service: Service, territory: Territory, action: Action | None = None, **fields):
    """An accepted request (what « mobilisé » means) unless ``state`` says otherwise."""
    return ServiceRequest.objects.create(
        service=service,
        operator=service.operator,
        territory=territory,
        action=action,
        message=fields.pop("message", "Demande d'essai"),
        state=fields.pop("state", RequestState.ACCEPTEE),
        **fields,
    )


def accessibility_catalogue(plan: ActionPlan) -> Service:
    """For core/tests/test_accessibility.py: 25 services (two pages of the catalogue), one of them
    mobilised by a public action of ``plan`` (validated); returns that one. Idempotent."""
    existing = Service.objects.filter(title="[Exemple] Service mobilisé").first()
    if existing:
        return existing
    operator = make_operator("[Exemple] Opérateur")
    for number in range(1, 25):
        make_service(f"[Exemple] Service {number:02d}", operator, description="Un service.")
    service = make_service(
        "[Exemple] Service mobilisé",
        operator,
        scope="regions",
        regions=list(plan.territory.regions.values_list("code", flat=True)),
        amount_or_rate="50 %",
        link="https://example.org/candidater",
    )
    action = plan.actions.filter(confidential=False, archived=False).order_by("code").first()
    make_request(service, plan.territory, action)
    return service
