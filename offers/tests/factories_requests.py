"""Test data of the requests for services: an operator with a service, people, an action, a request.

Deterministic, [Exemple] titles and example.org emails, like the demo data.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from accounts.models import Role
from accounts.services.roles import grant_role
from offers.models import Operator, Service, ServiceStatus
from offers.services import requests as requests_service
from plans.models import Action, ActionPlan


def make_operator(slug: str = "operateur-exemple", name: str = "[Exemple] Opérateur") -> Operator:
    operator, _ = Operator.objects.get_or_create(slug=slug, defaults={"name": name})
    return operator


def make_service(
    operator: Operator | None = None,
    slug: str = "service-exemple",
    title: str = "[Exemple] Prêt aux projets industriels",
    status: str = ServiceStatus.OUVERT,
    kind: str = "pret",
) -> Service:
    operator = operator or make_operator()
    service, _ = Service.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "operator": operator,
            "axes": ["innovation"],
            "kind": kind,
            "applicants": ["territoire"],
            "source": "https://example.org/source",
            "status": status,
        },
    )
    return service


def make_person(role: str | None = None, name: str = "", **scope):
    """A user (email on example.org) with one role."""
    User = get_user_model()
    email = f"{name or role or 'sans-role'}-{User.objects.count()}@example.org"
    user = User.objects.create(username=email, email=email)
    if role:
        grant_role(user, role, **scope)
        user.refresh_from_db()
    return user


def make_action(
    territory, code: str = "EX-1", confidential: bool = False, title: str = "[Exemple] Friche"
) -> Action:
    plan, _ = ActionPlan.objects.get_or_create(territory=territory)
    return Action.objects.create(
        plan=plan, code=code, title=title, axis="innovation", confidential=confidential
    )


def make_request(
    territory,
    user,
    service: Service | None = None,
    action: Action | None = None,
    amount: Decimal | None = Decimal("100000"),
    message: str = "[Exemple] Nous souhaitons un prêt pour la réhabilitation de la friche.",
):
    return requests_service.create_request(
        territory=territory,
        service=service or make_service(),
        user=user,
        message=message,
        amount_requested=amount,
        action=action,
    )


def lead_and_operator_member(territory, operator: Operator):
    return (
        make_person(Role.CHEF_DE_PROJET, "chef", territory=territory),
        make_person(Role.OPERATEUR, "operateur", operator=operator),
    )
