"""Deterministic example requests and decisions on the demo plans (``territoires demo-offers``).

Run after ``territoires demo-plans``: on the example actions of its showcase territories, one action in
three asks an open service of its axis, with a message « [Exemple] … »; the requests go through every
state (envoyée, en cours, acceptée, refusée, close), the accepted ones with their decision (granted,
sometimes paid) recorded in the action's financement, so the ledger, the suggestions and the operators'
pages all have something to show. The services come from the catalogue when it is loaded
(``territoires load-offers``); otherwise a few example operators and services (titles « [Exemple] »,
sources on example.org) are created. One example member per operator, on example.org, answers.

Same database, same result: dates are fixed (never « now »), choices come from a seeded generator, and
a request already made (same action, same service) is left as it is; a decision whose financement was
removed (``demo-plans`` run again) gets it back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from offers.models import (
    Operator,
    OperatorKind,
    RequestMessage,
    RequestState,
    Service,
    ServiceRequest,
)
from offers.services.suggestions import services_covering
from plans.models import Action, Funding, FundingState
from plans.services.demo import EXAMPLE_PREFIX, showcase_territories

EXAMPLE_OPERATORS = [
    ("exemple-agence", "[Exemple] Agence nationale d'ingénierie", OperatorKind.AGENCE_ETAT),
    ("exemple-banque", "[Exemple] Banque publique d'investissement", OperatorKind.BANQUE_PUBLIQUE),
]
# slug, operator slug, title, axes, kind, applicants, description
EXAMPLE_SERVICES = [
    (
        "exemple-friches",
        "exemple-agence",
        "[Exemple] Ingénierie de requalification des friches industrielles",
        ["foncier"],
        "ingenierie",
        ["territoire", "collectivite"],
        "Études de requalification d'une friche ou d'extension d'une zone d'activités.",
    ),
    (
        "exemple-decarbonation",
        "exemple-banque",
        "[Exemple] Prêt pour la décarbonation des sites industriels",
        ["transition-ecologique"],
        "pret",
        ["entreprise", "collectivite"],
        "Prêt long terme pour la chaleur renouvelable, l'hydrogène et la sobriété des procédés.",
    ),
    (
        "exemple-innovation",
        "exemple-banque",
        "[Exemple] Accompagnement des PME vers l'industrie du futur",
        ["innovation"],
        "accompagnement",
        ["entreprise", "territoire"],
        "Diagnostics, robotique et fabrication additive pour les PME industrielles.",
    ),
    (
        "exemple-competences",
        "exemple-agence",
        "[Exemple] Ingénierie des compétences et de la formation industrielle",
        ["competences"],
        "formation",
        ["territoire"],
        "Campus des métiers, groupements d'employeurs et formation des opérateurs de production.",
    ),
]
# The cycle of states, one per requesting action in turn.
STATES = [
    RequestState.ACCEPTEE,
    RequestState.ENVOYEE,
    RequestState.REFUSEE,
    RequestState.EN_COURS,
    RequestState.ACCEPTEE,
    RequestState.CLOSE,
]
EVERY = 3  # one action in three asks for a service
FIRST_DAY = date(2025, 1, 6)


@dataclass
class DemoReport:
    created: int = 0
    kept: int = 0
    repaired: int = 0
    operators: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Demandes d'exemple : {self.created} créée(s), {self.kept} déjà présente(s), "
            f"{self.repaired} décision(s) rétablie(s) ; opérateurs : {', '.join(self.operators)}."
        )


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def example_services() -> list[Service]:
    """The catalogue's open services when loaded, else the example ones (created if absent)."""
    catalogue = list(
        Service.objects.open_on(FIRST_DAY)
        .exclude(slug__startswith="exemple-")
        .select_related("operator")
        .order_by("slug")
    )
    if catalogue:
        return catalogue
    operators = {}
    for slug, name, kind in EXAMPLE_OPERATORS:
        operators[slug] = Operator.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "website": "https://example.org/"}
        )[0]
    services = []
    for slug, operator, title, axes, kind, applicants, description in EXAMPLE_SERVICES:
        services.append(
            Service.objects.get_or_create(
                slug=slug,
                defaults={
                    "title": title,
                    "operator": operators[operator],
                    "axes": axes,
                    "kind": kind,
                    "applicants": applicants,
                    "description": description,
                    "scope": "national",
                    "source": f"https://example.org/offre/{slug}",
                    "link": f"https://example.org/offre/{slug}",
                },
            )[0]
        )
    return services


def example_member(operator: Operator):
    """The operator's example team member (example.org address, no password: sign in as admin)."""
    from django.contrib.auth import get_user_model

    from accounts.models import Role
    from accounts.services.roles import grant_role

    email = f"equipe.{operator.slug}@example.org"
    user, created = get_user_model().objects.get_or_create(
        username=email,
        defaults={"email": email, "first_name": "[Exemple]", "last_name": operator.name},
    )
    if created:
        user.set_unusable_password()
        user.save()
        grant_role(user, Role.OPERATEUR, operator=operator)
    return user


def _decision(request: ServiceRequest, rng: random.Random, decided: datetime) -> Funding:
    asked = request.amount_requested or Decimal(0)
    granted = (asked * rng.randint(50, 100) / 100).quantize(Decimal("1"))
    paid = (granted * rng.choice([0, 0, 30, 100]) / 100).quantize(Decimal("1"))
    return Funding.objects.create(
        action=request.action,
        position=request.action.fundings.count() + 1,
        funder=request.operator.name,
        scheme=request.service.title,
        amount=asked,
        granted_amount=granted,
        paid_amount=paid or None,
        state=FundingState.VERSE if paid else FundingState.ACCORDE,
        requested_on=request.created_at.date(),
        decided_on=decided.date(),
        paid_on=decided.date() + timedelta(days=90) if paid else None,
    )


def _messages(request, state, member, decided) -> None:
    RequestMessage.objects.create(
        request=request, author=None, body=request.message, created_at=request.created_at
    )
    if state == RequestState.ENVOYEE:
        return
    answers = {
        RequestState.EN_COURS: "[Exemple] Demande reçue, en cours d'instruction.",
        RequestState.ACCEPTEE: "[Exemple] Demande acceptée : décision jointe au financement.",
        RequestState.REFUSEE: "[Exemple] Demande refusée : le projet sort du cadre du dispositif.",
        RequestState.CLOSE: "[Exemple] Demande close à la demande du territoire.",
    }
    RequestMessage.objects.create(
        request=request, author=member, body=answers[state], state=state, created_at=decided
    )


@transaction.atomic
def create_demo_offers(phase_code: str = "2023-2027", territories: int = 5, seed: int = 0):
    """Example requests and decisions on the demo plans; run again, changes nothing."""
    chosen = showcase_territories(phase_code, territories)
    actions = list(
        Action.objects.filter(
            plan__territory__in=chosen, archived=False, title__startswith=EXAMPLE_PREFIX
        )
        .select_related("plan__territory")
        .order_by("plan__territory__ti_id", "code")
    )
    if not actions:
        raise ValueError("Aucune action d'exemple : lancez d'abord « territoires demo-plans ».")
    services = example_services()
    report = DemoReport(operators=sorted({s.operator.name for s in services}))
    members = {s.operator_id: example_member(s.operator) for s in services}
    covering = {
        t.pk: set(services_covering(t, FIRST_DAY).values_list("pk", flat=True)) for t in chosen
    }
    turn = 0
    for index, action in enumerate(actions):
        if index % EVERY:
            continue
        fitting = [
            s
            for s in services
            if (not s.axes or action.axis in s.axes) and s.pk in covering[action.plan.territory_id]
        ]
        if not fitting:
            continue
        rng = random.Random(f"{seed}-{action.plan.territory.ti_id}-{action.code}")
        service = rng.choice(fitting)
        state = STATES[turn % len(STATES)]
        turn += 1
        existing = ServiceRequest.objects.filter(action=action, service=service).first()
        created_at = _at(FIRST_DAY + timedelta(days=rng.randrange(0, 300)))
        decided = created_at + timedelta(days=rng.randrange(15, 120))
        if existing is not None:
            report.kept += 1
            if existing.state == RequestState.ACCEPTEE and existing.funding_id is None:
                existing.funding = _decision(existing, rng, existing.decided_at or decided)
                existing.save(update_fields=["funding"])
                report.repaired += 1
            continue
        request = ServiceRequest.objects.create(
            service=service,
            operator=service.operator,
            territory=action.plan.territory,
            action=action,
            message=f"{EXAMPLE_PREFIX}Le territoire sollicite « {service.title} » pour cette action.",
            amount_requested=Decimal(rng.randrange(20_000, 800_000, 1000)),
            state=state,
            decided_at=decided if state in (RequestState.ACCEPTEE, RequestState.REFUSEE) else None,
            created_at=created_at,
        )
        if state == RequestState.ACCEPTEE:
            request.funding = _decision(request, rng, decided)
            request.save(update_fields=["funding"])
        _messages(request, state, members[service.operator_id], decided)
        report.created += 1
    return report
