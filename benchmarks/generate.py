"""One generator of a large programme, shared by the benchmarks (offers: issue 11; dashboards and scale:
issues 13 and 14).

    from benchmarks.generate import generate, delete_generated

    with transaction.atomic():          # measure, then roll back: the database is left as it was
        sizes = generate()              # 10x today: 2,000 territories, 100,000 actions, 50,000 requests
        ...                             # measure
        transaction.set_rollback(True)

    generate(territories=200, actions=5_000, requests=2_000, services=200, contact_requests=2_000)
    delete_generated()                  # when generated outside a rolled-back transaction

Everything lands in one phase of its own (``BENCH_PHASE``, « 2090-2099 »: the shape URLs accept, a
code no real phase takes for decades), on the real régions and départements loaded by ``make load``
(run it first): territories ``bench-00001``…, one action plan
each, actions spread evenly over them (the four axes in turn, 10 % confidential), operators and
services (2,000 by default, 80 % open, scope national / régions / départements / territoires), four
plans in five validated with their published snapshot (what the dashboards count), and
requests on the actions (a fifth from the plan as a whole), in every state, the accepted ones with
their decision in the action's financement (granted, paid for half of them).

Contact requests (as many as service requests unless ``contact_requests``: issue 14's "50,000 service
and contact requests", 50,000 of each kind by default) go to one team per territory, from communes of
its département, with their events (received, answered, closed).

Deterministic: the same sizes and ``seed`` give the same rows (``random.Random(seed)``, fixed dates),
except the contact requests' dates, over the 360 days before ``contacts_until`` (today by default: the
response times count the last 12 months).
Fast: on PostgreSQL every table of more than core.bulk.COPY_MIN_ROWS rows goes through COPY
(core.bulk.bulk_insert), the smaller ones through ``bulk_create``; no journal rows (django-simple-
history's are not what the benchmarks measure) and no emails. The rows of the previous version
(no contact requests, no publications) took 16.1, 15.4 and 15.4 s with ``bulk_create``, 8.7 and
13.1 s through COPY (alternate runs, load 1.2-1.7; docs/performance.md, « Programme dix fois plus grand »).
The numbers the benchmarks read are computed from these rows, never assumed.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

BENCH_PHASE = "2090-2099"  # the look of a phase code (URLs accept only NNNN-NNNN)
BATCH = 5_000
TITLE_PREFIX = "[Exemple] "


@dataclass
class Generated:
    phase: str
    territories: int
    actions: int
    operators: int
    services: int
    requests: int
    fundings: int
    contact_requests: int
    seconds: float
    published_plans: int = 0

    def summary(self) -> str:
        return (
            f"{self.territories} territoires ({self.published_plans} plans publiés), "
            f"{self.actions} actions, {self.operators} opérateurs, "
            f"{self.services} services, {self.requests} demandes ({self.fundings} décisions "
            f"acceptées), {self.contact_requests} demandes de contact générés en "
            f"{self.seconds:.1f} s"
        )


def _datetime(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def generate(
    territories: int = 2_000,
    actions: int = 100_000,
    requests: int = 50_000,
    services: int = 2_000,
    operators: int = 20,
    seed: int = 0,
    phase: str = BENCH_PHASE,
    contact_requests: int | None = None,
    contacts_until: date | None = None,
) -> Generated:
    """Create a programme of the given sizes in its own phase (see the module's doc)."""
    from geo.models import Departement
    from offers.models import Operator, RequestState, Service, ServiceRequest
    from plans.models import (
        Action,
        ActionPlan,
        ActionStatus,
        Axis,
        CarrierKind,
        Funding,
        FundingState,
        Maturity,
        PlanPublication,
        PlanState,
    )
    from plans.services.demo import TITLES
    from territories.models import Phase, Territory

    started = time.perf_counter()
    rng = random.Random(seed)
    departements = list(Departement.objects.order_by("code").values_list("code", "region_id"))
    if not departements:
        raise RuntimeError("Aucun département : lancez d'abord « make load ».")
    if Phase.objects.filter(code=phase).exists():
        raise RuntimeError(f"La phase « {phase} » existe déjà : delete_generated() d'abord.")
    number = (Phase.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    Phase.objects.create(
        code=phase,
        number=number,
        label="Programme généré pour les mesures",
        start_date=date(2024, 1, 1),
        end_date=date(2027, 12, 31),
    )

    # Territories, each in one département (and its région).
    places = [rng.choice(departements) for _ in range(territories)]
    created = _insert(
        Territory,
        [
            Territory(
                phase_id=phase,
                ti_id=f"bench-{n:05d}",
                name=f"{TITLE_PREFIX}Territoire {n}",
                search_name=f"exemple territoire {n}",
                population=rng.randrange(20_000, 400_000),
                principal_departement_id=dep,
                principal_region_id=region,
            )
            for n, (dep, region) in enumerate(places, start=1)
        ],
    )
    _insert(
        Territory.departements.through,
        [
            Territory.departements.through(territory_id=t.pk, departement_id=dep)
            for t, (dep, _) in zip(created, places, strict=True)
        ],
    )
    _insert(
        Territory.regions.through,
        [
            Territory.regions.through(territory_id=t.pk, region_id=region)
            for t, (_, region) in zip(created, places, strict=True)
        ],
    )
    # Four plans in five validated (and published, below), the others in draft.
    validated_at = _datetime(date(2025, 6, 30), 12)
    plans = _insert(
        ActionPlan,
        [
            ActionPlan(territory_id=t.pk, state=PlanState.VALIDE, validated_at=validated_at)
            if n % 5
            else ActionPlan(territory_id=t.pk)
            for n, t in enumerate(created)
        ],
    )

    # Actions, spread evenly over the plans, the four axes in turn.
    axes = list(Axis)
    kinds = [k.value for k in CarrierKind]
    statuses = [s.value for s in ActionStatus]
    maturities = [m.value for m in Maturity]
    shape = random.Random(seed + 1)  # its own draws: the other rows stay those of earlier versions
    action_rows = []
    for n in range(actions):
        plan = plans[n % len(plans)]
        axis = axes[n % len(axes)]
        action_rows.append(
            Action(
                plan_id=plan.pk,
                code=f"B-{n:06d}",
                title=TITLE_PREFIX + rng.choice(TITLES[axis]),
                description="Action générée pour les mesures de performance.",
                axis=axis.value,
                carrier_kind=rng.choice(kinds),
                confidential=rng.random() < 0.1,
                total_cost=Decimal(rng.randrange(20_000, 5_000_000, 500)),
                status=shape.choice(statuses),
                maturity=shape.choice(maturities),
            )
        )
    action_objs = _insert(Action, action_rows)
    territory_of_plan = {p.pk: p.territory_id for p in plans}

    # Operators and services.
    operator_objs = Operator.objects.bulk_create(
        [
            Operator(slug=f"bench-operateur-{n:03d}", name=f"{TITLE_PREFIX}Opérateur {n}")
            for n in range(1, operators + 1)
        ]
    )
    scopes = ["national"] * 6 + ["regions"] * 2 + ["departements", "territoires"]
    service_rows = []
    for n in range(1, services + 1):
        # Every axis has services (one in four leads with it), half of them a second axis.
        second = {rng.choice(axes).value} if rng.random() < 0.5 else set()
        chosen_axes = sorted({axes[n % len(axes)].value} | second)
        service_rows.append(
            Service(
                slug=f"bench-service-{n:05d}",
                title=f"{TITLE_PREFIX}Service {n} — {rng.choice(TITLES[Axis(chosen_axes[0])])}",
                operator_id=operator_objs[n % len(operator_objs)].pk,
                axes=chosen_axes,
                kind=rng.choice(["ingenierie", "financement", "pret", "subvention"]),
                description="Service généré pour les mesures de performance.",
                applicants=rng.choice(
                    [["territoire"], ["entreprise"], ["territoire", "collectivite"]]
                ),
                scope=rng.choice(scopes),
                status="ouvert" if rng.random() < 0.8 else "ferme",
                source="https://example.org/offre",
            )
        )
    service_objs = _insert(Service, service_rows)
    region_codes = sorted({region for _, region in places})
    _insert(
        Service.regions.through,
        [
            Service.regions.through(service_id=s.pk, region_id=rng.choice(region_codes))
            for s in service_objs
            if s.scope == "regions"
        ],
    )
    _insert(
        Service.departements.through,
        [
            Service.departements.through(service_id=s.pk, departement_id=rng.choice(places)[0])
            for s in service_objs
            if s.scope == "departements"
        ],
    )
    _insert(
        Service.territories.through,
        [
            Service.territories.through(service_id=s.pk, territory_id=rng.choice(created).pk)
            for s in service_objs
            if s.scope == "territoires"
        ],
    )
    services_by_axis: dict[str, list] = {a.value: [] for a in axes}
    for s in service_objs:
        for axis in s.axes:
            services_by_axis[axis].append(s)

    # Requests: states in fixed proportions, decisions for the accepted ones.
    states = (
        [RequestState.ACCEPTEE] * 4
        + [RequestState.REFUSEE] * 2
        + [RequestState.ENVOYEE, RequestState.EN_COURS, RequestState.CLOSE]
    )
    first_day = date(2024, 3, 1)
    specs = []
    for _ in range(requests):
        action = rng.choice(action_objs)
        service = rng.choice(services_by_axis[action.axis])
        state = rng.choice(states)
        created_at = _datetime(first_day + timedelta(days=rng.randrange(0, 900)), 9)
        decided_at = (
            created_at + timedelta(days=rng.randrange(5, 200), hours=rng.randrange(0, 8))
            if state in (RequestState.ACCEPTEE, RequestState.REFUSEE)
            else None
        )
        asked = Decimal(rng.randrange(5_000, 2_000_000, 1000))
        specs.append((action, service, state, created_at, decided_at, asked, rng.random() < 0.2))
    funding_rows = []
    for action, service, state, _, decided_at, asked, _ in specs:
        if state == RequestState.ACCEPTEE:
            granted = (asked * rng.randint(40, 100) / 100).quantize(Decimal("1"))
            paid = granted if rng.random() < 0.5 else None
            funding_rows.append(
                Funding(
                    action_id=action.pk,
                    funder=f"Opérateur {service.operator_id}",
                    scheme=service.title[:255],
                    amount=asked,
                    granted_amount=granted,
                    paid_amount=paid,
                    state=FundingState.VERSE if paid else FundingState.ACCORDE,
                    decided_on=decided_at.date(),
                )
            )
    funding_objs = iter(_insert(Funding, funding_rows))
    request_rows = []
    for action, service, state, created_at, decided_at, asked, whole_plan in specs:
        funding = next(funding_objs) if state == RequestState.ACCEPTEE else None
        request_rows.append(
            ServiceRequest(
                service_id=service.pk,
                operator_id=service.operator_id,
                territory_id=territory_of_plan[action.plan_id],
                # A fifth asked from the plan as a whole (no action), unless a decision ties them.
                action_id=None if whole_plan and funding is None else action.pk,
                message=f"{TITLE_PREFIX}Demande générée pour les mesures.",
                amount_requested=asked,
                state=state,
                funding_id=funding.pk if funding else None,
                decided_at=decided_at,
                created_at=created_at,
            )
        )
    _insert(ServiceRequest, request_rows)
    publications = _publications(plans, action_objs, funding_rows, validated_at)
    contact_count = _contact_requests(
        rng,
        created,
        places,
        requests if contact_requests is None else contact_requests,
        contacts_until or date.today(),
    )
    _analyze(
        Territory,
        Territory.regions.through,
        Territory.departements.through,
        ActionPlan,
        Action,
        Operator,
        Service,
        Service.regions.through,
        Funding,
        ServiceRequest,
        PlanPublication,
        *_contact_models(),
    )
    return Generated(
        phase=phase,
        territories=len(created),
        actions=len(action_objs),
        operators=len(operator_objs),
        services=len(service_objs),
        requests=len(request_rows),
        fundings=len(funding_rows),
        contact_requests=contact_count,
        seconds=time.perf_counter() - started,
        published_plans=publications,
    )


def _insert(model, objs: list) -> list:
    """The rows through COPY on PostgreSQL from core.bulk.COPY_MIN_ROWS rows (core.bulk.bulk_insert:
    primary keys drawn from the sequence, set on the objects), bulk_create below that and on SQLite."""
    from django.db import connections, router

    from core.bulk import bulk_insert, uses_copy

    if uses_copy(connections[router.db_for_write(model)], len(objs)):
        return bulk_insert(objs, model)
    return model._default_manager.bulk_create(objs, batch_size=BATCH)


def _publications(plans, actions, fundings, published_at) -> int:
    """The published snapshot of every validated plan (what the public site and the dashboards count),
    in plans/services/publication.py's snapshot() layout, built from the rows in memory."""
    from plans.models import PUBLIC_CARRIER_KINDS, PlanPublication, PlanState

    def money(value):
        return None if value is None else str(value)

    by_action: dict[int, list] = {}
    for funding in fundings:
        by_action.setdefault(funding.action_id, []).append(funding)
    by_plan: dict[int, list] = {}
    for action in actions:
        if not action.confidential and not action.archived:
            by_plan.setdefault(action.plan_id, []).append(action)
    rows = []
    for plan in plans:
        if plan.state != PlanState.VALIDE:
            continue
        snapshot = [
            {
                "code": a.code,
                "title": a.title,
                "description": a.description,
                "axis": a.axis,
                "sub_theme": a.sub_theme,
                "status": a.status,
                "maturity": a.maturity,
                "carrier_kind": a.carrier_kind,
                "carrier_name": a.carrier_name if a.carrier_kind in PUBLIC_CARRIER_KINDS else "",
                "total_cost": money(a.total_cost),
                "end_date": a.end_date.isoformat() if a.end_date else None,
                "communes": [],
                "fundings": [
                    {
                        "funder": f.funder,
                        "scheme": f.scheme,
                        "amount": money(f.amount),
                        "state": f.state,
                        "granted_amount": money(f.granted_amount),
                        "paid_amount": money(f.paid_amount),
                    }
                    for f in by_action.get(a.pk, [])
                ],
            }
            for a in sorted(by_plan.get(plan.pk, []), key=lambda a: (a.axis, a.code))
        ]
        rows.append(PlanPublication(plan_id=plan.pk, published_at=published_at, actions=snapshot))
    return len(_insert(PlanPublication, rows))


def _contact_models() -> tuple:
    from contacts.models import ContactRequest, ContactRequestEvent, Team

    return Team, ContactRequest, ContactRequestEvent


def _contact_requests(rng, territories, places, count: int, until: date) -> int:
    """One team per territory (level « territoire »), ``count`` contact requests routed to them from a
    commune of the territory's département, received over the 360 days before ``until`` (the response
    times count the last 12 months), with their events: received, then answered (80 %, 0 to 15 days
    later) and closed (half of the answered ones)."""
    from contacts.models import (
        ContactRequest,
        ContactRequestEvent,
        EventKind,
        Level,
        RequesterKind,
        RequestState,
        Subject,
        Team,
    )
    from geo.models import Commune

    if not count or not territories:
        return 0
    teams = _insert(
        Team,
        [
            Team(
                level=Level.TERRITOIRE,
                territory_id=t.pk,
                name=f"{TITLE_PREFIX}Équipe projet",
                organisation=f"{TITLE_PREFIX}Territoire {n}",
            )
            for n, t in enumerate(territories, start=1)
        ],
    )
    communes: dict[str, list[str]] = {}
    for code, dep in Commune.objects.order_by("code").values_list("code", "departement_id"):
        communes.setdefault(dep, []).append(code)
    kinds = [k.value for k in RequesterKind]
    subjects = [s.value for s in Subject]
    rows, answers = [], []
    for n in range(count):
        index = rng.randrange(len(teams))
        created_at = _datetime(until - timedelta(days=rng.randrange(1, 361)), 9 + n % 8)
        answered = (
            created_at + timedelta(days=rng.randrange(0, 16), hours=rng.randrange(1, 8))
            if rng.random() < 0.8
            else None
        )
        closed = answered + timedelta(days=2) if answered and rng.random() < 0.5 else None
        state = (
            RequestState.CLOSE
            if closed
            else RequestState.REPONDUE
            if answered
            else rng.choice([RequestState.NOUVELLE, RequestState.PRISE])
        )
        rows.append(
            ContactRequest(
                reference=f"DC-BENCH-{n:07d}",
                requester_kind=rng.choice(kinds),
                organisation=f"{TITLE_PREFIX}Entreprise {n}",
                name=f"{TITLE_PREFIX}Demandeur {n}",
                email=f"demandeur-{n}@example.org",
                commune_id=rng.choice(communes[places[index][0]]),
                subject=rng.choice(subjects),
                message=f"{TITLE_PREFIX}Demande de contact générée pour les mesures.",
                consent=True,
                team_id=teams[index].pk,
                state=state,
                created_at=created_at,
                first_answered_at=answered,
                closed_at=closed,
            )
        )
        answers.append(answered)
    requests = _insert(ContactRequest, rows)
    events = []
    for request, answered in zip(requests, answers, strict=True):
        events.append(
            ContactRequestEvent(
                request_id=request.pk,
                kind=EventKind.RECUE,
                team_id=request.team_id,
                created_at=request.created_at,
            )
        )
        if answered:
            events.append(
                ContactRequestEvent(
                    request_id=request.pk,
                    kind=EventKind.REPONSE,
                    team_id=request.team_id,
                    text="Réponse générée pour les mesures.",
                    created_at=answered,
                )
            )
        if request.closed_at:
            events.append(
                ContactRequestEvent(
                    request_id=request.pk,
                    kind=EventKind.CLOSE,
                    team_id=request.team_id,
                    created_at=request.closed_at,
                )
            )
    _insert(ContactRequestEvent, events)
    return len(requests)


def _analyze(*models) -> None:
    """Fresh statistics for PostgreSQL's planner: without them (autovacuum cannot see rows of a
    transaction not yet committed) it took the new tables for empty and chose nested loops; counting
    the actions that fit one service took 24 s on a tenth of the programme."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def delete_generated(phase: str = BENCH_PHASE) -> None:
    """Remove what ``generate`` created (requests, services, operators, then the phase's territories)."""
    from contacts.models import ContactRequest, Team
    from offers.models import Operator, Service, ServiceRequest
    from territories.models import Phase

    # Contact requests protect their team, which the phase's territories cascade to.
    ContactRequest.objects.filter(team__territory__phase_id=phase).delete()
    Team.objects.filter(territory__phase_id=phase).delete()
    ServiceRequest.objects.filter(territory__phase_id=phase).delete()
    Service.objects.filter(slug__startswith="bench-service-").delete()
    Operator.objects.filter(slug__startswith="bench-operateur-").delete()
    Phase.objects.filter(code=phase).delete()
