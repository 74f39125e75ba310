"""Read queries of the service offer (services/ write, this module reads)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from accounts.permissions import is_staff_reader
from geo.text import normalize_search
from offers.models import (
    Applicant,
    Operator,
    RequestState,
    ScopeKind,
    Service,
    ServiceRequest,
    ServiceStatus,
)
from plans.models import HEAVY_FIELDS, Axis, PlanPublication
from territories.models import Phase, Territory

# --- Public catalogue ---------------------------------------------------------------------------


def mobilising_requests() -> QuerySet[ServiceRequest]:
    """The definition of « mobilisé », used everywhere it is shown: a territory mobilises a service when
    one of its requests for that service is in the state « acceptée ». A request still being examined,
    refused or closed mobilises nothing. The public sees only the public part of it
    (``public_mobilisations``)."""
    return ServiceRequest.objects.filter(state=RequestState.ACCEPTEE)


def _journal_maxima(*models) -> str:
    """The largest id and date of each model's journal (django-simple-history), in one query: every
    save or deletion writes a journal row, so this changes with any write that goes through the models
    (index lookups, ~1 ms). The date too: a rolled-back write gives its id back on SQLite, and the next
    write would then carry the same largest id (seen in the test suite, whose tests roll back)."""
    tables = [model.history.model._meta.db_table for model in models]
    selects = ", ".join(
        f"(SELECT MAX(history_id) FROM {table}), (SELECT MAX(history_date) FROM {table})"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")
        return "-".join(str(value or 0) for value in cursor.fetchone())


def latest_phase() -> Phase | None:
    return Phase.objects.order_by("-number").first()


def _covers(kind: str, codes) -> Q:
    """Services listing one of ``codes`` in their ``kind`` (regions, departements, territories), as an
    id subquery: an OR across joins on three many-to-many tables multiplied the rows (a service
    covering 13 régions and 100 départements gave 1,300) before a DISTINCT."""
    through = getattr(Service, kind).through
    column = {"regions": "region", "departements": "departement", "territories": "territory"}[kind]
    return Q(pk__in=through.objects.filter(**{f"{column}__in": codes}).values("service_id"))


def _open_to_territory(territory: Territory) -> Q:
    return (Q(phase__isnull=True) | Q(phase_id=territory.phase_id)) & (
        Q(scope=ScopeKind.NATIONAL)
        | _covers("regions", territory.regions.values("code"))
        | _covers("departements", territory.departements.values("code"))
        | _covers("territories", [territory.pk])
    )


def services_open_to_territories(services: QuerySet[Service], territories: list[Territory]):
    """The services a territory can ask for: national, or listing one of its régions, one of its
    départements or the territory itself; and for every phase (phase empty) or for the territory's.
    With several territories (a commune in two of them), open to at least one."""
    condition = Q(pk__in=[])
    for territory in territories:
        condition |= _open_to_territory(territory)
    return services.filter(condition)


def services_open_to_area(services: QuerySet[Service], commune, phase: Phase | None):
    """For a commune outside every territory: the services open to its département or région
    (national ones included), for every phase or the latest one."""
    return services.filter(
        Q(phase__isnull=True) | Q(phase=phase),
        Q(scope=ScopeKind.NATIONAL)
        | _covers("regions", [commune.region_id])
        | _covers("departements", [commune.departement_id]),
    )


# Full-text search without a database extension (SQLite has no unaccent): each service's title,
# description and operator's name and acronym, folded once per version of the services and operators
# (requests do not count: their state changes often) and kept in the process; a search scans them in
# Python. Measured on 2,000 services of ~1 kB on the shared 2-core machine under load: folding them
# ~0.15 s (geo.text.normalize_search, character by character, took 0.9 s), a scan ~4 ms.
_search_index: tuple[str | None, list[tuple[int, str]]] = (None, [])


def _fold(text: str) -> str:
    """Lower case, accents removed (« Œuvre économique » -> « oeuvre economique »). Punctuation stays:
    the query's words are matched as substrings."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _search_rows() -> list[tuple[int, str]]:
    global _search_index
    version = _journal_maxima(Service, Operator)
    if _search_index[0] != version:
        rows = [
            (pk, _fold(" ".join(parts)))
            for pk, *parts in Service.objects.values_list(
                "pk", "title", "description", "operator__name", "operator__acronym"
            )
        ]
        _search_index = (version, rows)  # one assignment: readers see the old or the new pair
    return _search_index[1]


def search_services(services: QuerySet[Service], query: str) -> QuerySet[Service]:
    """The services whose title, description or operator contain every word of ``query``, accents,
    case and punctuation ignored (« FONCIER econ » finds « Foncier économique »)."""
    words = normalize_search(query).split()
    if not words:
        return services
    ids = [pk for pk, text in _search_rows() if all(word in text for word in words)]
    return services.filter(pk__in=ids)


SORTS = {
    "titre": ("Intitulé (A → Z)", ["title", "pk"]),
    "operateur": ("Opérateur (A → Z)", ["operator__name", "title", "pk"]),
    "cloture": (
        "Date de clôture (la plus proche d'abord)",
        [F("closes_on").asc(nulls_last=True), "title", "pk"],
    ),
}


def catalogue(filters: dict, territories: list[Territory] | None = None, commune=None):
    """The catalogue's services for cleaned ``filters`` (offers/forms_catalogue.py): ``territories``
    (from the territory or the commune filter) or ``commune`` alone (outside every territory)."""
    services = Service.objects.select_related("operator")
    if filters.get("axe"):
        services = services.with_axis(filters["axe"])
    if filters.get("operateur"):
        services = services.filter(operator__slug=filters["operateur"])
    if filters.get("type"):
        services = services.filter(kind=filters["type"])
    if filters.get("demandeur"):
        services = services.for_applicant(filters["demandeur"])
    if filters.get("ouvert"):
        services = services.open_now()
    if territories:
        services = services_open_to_territories(services, territories)
    elif commune is not None:
        services = services_open_to_area(services, commune, latest_phase())
    if filters.get("q"):
        services = search_services(services, filters["q"])
    return services.order_by(*SORTS[filters.get("tri") or "titre"][1])


def open_services_url(territory: Territory | None = None, commune=None) -> str:
    """The catalogue filtered on what a territory (or a commune) can ask for."""
    if territory is not None:
        params = {"territoire": f"{territory.phase_id}/{territory.ti_id}"}
    else:
        params = {"commune": commune.code}
    return f"{reverse('offers:catalogue')}?{urlencode(params)}"


@dataclass
class Mobilisation:
    """A service mobilised by a territory, as the public may see it: through one of its published
    actions (``action_code``, ``action_title`` from the plan's validated version) or through its plan
    as a whole (no action)."""

    service: Service
    territory: Territory
    action_code: str = ""
    action_title: str = ""


def _published_actions(plan_ids: set[int]) -> dict[int, dict[str, str]]:
    """For each plan, the codes and titles of the actions in its last validated version."""
    latest: dict[int, dict[str, str]] = {}
    publications = PlanPublication.objects.filter(plan_id__in=plan_ids).order_by(
        "plan_id", "-published_at", "-id"
    )
    for publication in publications.iterator():
        if publication.plan_id not in latest:
            latest[publication.plan_id] = {row["code"]: row["title"] for row in publication.actions}
    return latest


def public_mobilisations(requests: QuerySet[ServiceRequest]) -> list[Mobilisation]:
    """The public part of accepted ``requests``. A request made from an action shows only when the
    action is public: in the last validated version of its plan (``PlanPublication``) and neither
    confidential nor archived today. A request from a confidential action, an action never validated
    or an archived one is left out altogether, territory included (it would hint at the action). A
    request from the plan as a whole names the territory only."""
    rows = list(
        requests.select_related("service__operator", "territory", "action")
        # The territories' outlines (large JSON) are not shown: 190 ms -> 10 ms for 60 requests.
        .defer(*(f"territory__{name}" for name in HEAVY_FIELDS))
        .order_by("territory__phase_id", "territory__name", "service__title", "pk")
    )
    published = _published_actions({r.action.plan_id for r in rows if r.action_id})
    seen: set[tuple] = set()
    result = []
    for request in rows:
        code = title = ""
        if request.action_id:
            action = request.action
            titles = published.get(action.plan_id, {})
            if action.confidential or action.archived or action.code not in titles:
                continue
            code, title = action.code, titles[action.code]
        key = (request.service_id, request.territory_id, code)
        if key not in seen:
            seen.add(key)
            result.append(Mobilisation(request.service, request.territory, code, title))
    return result


@dataclass
class TerritoryServices:
    """The « Services mobilisés » block of a territory's public page: each service with the public
    actions (code, title) behind it (none when asked for by the plan as a whole)."""

    territory: Territory
    mobilised: list[tuple[Service, list[tuple[str, str]]]] = field(default_factory=list)
    open_url: str = ""


def territory_services(territory: Territory) -> TerritoryServices:
    """Context of public/includes/services.html on a territory's page (public part only)."""
    by_service: dict[int, tuple[Service, list[tuple[str, str]]]] = {}
    for item in public_mobilisations(mobilising_requests().filter(territory=territory)):
        actions = by_service.setdefault(item.service.pk, (item.service, []))[1]
        if item.action_code:
            actions.append((item.action_code, item.action_title))
    mobilised = sorted(by_service.values(), key=lambda entry: entry[0].title.lower())
    return TerritoryServices(territory, mobilised, open_services_url(territory=territory))


@dataclass
class CommuneServices:
    """The link of a commune's page to the services open to it (its territories, or its area)."""

    url: str
    label: str


def commune_services(commune) -> CommuneServices:
    phase = latest_phase()
    territories = (
        list(Territory.objects.filter(communes=commune, phase=phase).only("name")) if phase else []
    )
    if len(territories) == 1:
        label = f"Services ouverts au territoire {territories[0].name}"
    elif territories:
        label = "Services ouverts à ses Territoires d'industrie"
    else:
        label = f"Services ouverts dans le département {commune.departement.name}"
    return CommuneServices(open_services_url(commune=commune), label)


def axis_labels(codes: list[str]) -> list[str]:
    labels = dict(Axis.choices)
    return [labels.get(code, code) for code in codes]


def applicant_labels(codes: list[str]) -> list[str]:
    labels = dict(Applicant.choices)
    return [labels.get(code, code) for code in codes]


def availability(service: Service, today) -> tuple[str, str]:
    """What a visitor reads about whether they can ask now: (label, DSFR badge colour)."""
    if service.status != ServiceStatus.OUVERT or (service.closes_on and service.closes_on < today):
        return "Fermé", "error"
    if service.opens_on and service.opens_on > today:
        return f"Ouvre le {service.opens_on.strftime('%d/%m/%Y')}", "info"
    return "Ouvert", "success"


def scope_parts(service: Service) -> list[tuple[str, str]]:
    """The service's geographic scope as (text, link) pairs: « National », or the areas it lists."""
    if service.scope == ScopeKind.NATIONAL:
        return [("National", "")]
    parts = [(r.name, reverse("public:region", args=[r.code])) for r in service.regions.all()]
    parts += [
        (f"{d.name} ({d.code})", reverse("public:departement", args=[d.code]))
        for d in service.departements.all()
    ]
    parts += [
        (f"{t.name} ({t.phase_id})", reverse("public:territory", args=[t.phase_id, t.ti_id]))
        for t in service.territories.all()
    ]
    return parts or [(service.get_scope_display(), "")]


# --- Requests ------------------------------------------------------------------------------------


def _coordinated_territories_q(user) -> Q | None:
    """Territories of the user's coordinator areas (région or département, in the role's phase if set):
    the same scope as accounts.permissions.is_coordinator_of_territory."""
    scope = None
    for assignment in RoleAssignment.objects.filter(user=user, role=Role.COORDINATEUR, active=True):
        if assignment.region_id:
            area = Q(territory__regions=assignment.region_id)
        elif assignment.departement_id:
            area = Q(territory__departements=assignment.departement_id)
        else:
            continue
        if assignment.phase_id:
            area &= Q(territory__phase_id=assignment.phase_id)
        scope = area if scope is None else scope | area
    return scope


def requests_visible_to(user) -> QuerySet[ServiceRequest]:
    """The requests ``user`` may read (offers.view_request), as one queryset for the lists.

    National team and administrators: all. Otherwise the union of: the operators the user is a member
    of, the territories where the user is project lead or binôme, the territories of the user's
    coordinator areas. Nobody else sees any (an operator never sees another operator's requests).
    """
    requests = ServiceRequest.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return requests.none()
    if is_staff_reader(user):
        return requests
    roles = RoleAssignment.objects.filter(user=user, active=True)
    scope = Q(
        operator__in=roles.filter(role=Role.OPERATEUR, operator__isnull=False).values("operator_id")
    ) | Q(
        territory__in=roles.filter(
            role__in=[Role.CHEF_DE_PROJET, Role.BINOME], territory__isnull=False
        ).values("territory_id")
    )
    coordinated = _coordinated_territories_q(user)
    if coordinated is not None:
        # The area's joins (territory → régions/départements) may repeat a request: ids, then rows.
        scope |= Q(pk__in=ServiceRequest.objects.filter(coordinated).values("pk"))
    return requests.filter(scope)


def requests_for_list(user, filters: dict | None = None) -> QuerySet[ServiceRequest]:
    """The list screen: visible requests, filtered (state, service, operator, territory, axis, dates)."""
    filters = filters or {}
    requests = requests_visible_to(user).select_related(
        "service", "operator", "territory", "action"
    )
    if filters.get("state"):
        requests = requests.filter(state=filters["state"])
    if filters.get("service"):
        requests = requests.filter(service=filters["service"])
    if filters.get("operator"):
        requests = requests.filter(operator=filters["operator"])
    if filters.get("territory"):
        text = filters["territory"].strip()
        requests = requests.filter(Q(territory__ti_id=text) | Q(territory__name__icontains=text))
    if filters.get("axis"):
        requests = requests.filter(action__axis=filters["axis"])
    if filters.get("since"):
        requests = requests.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        requests = requests.filter(created_at__date__lte=filters["until"])
    return requests.defer("territory__geometry", "territory__geometry_simplified")


def requests_of_territory(user, territory) -> QuerySet[ServiceRequest]:
    return (
        requests_visible_to(user)
        .filter(territory=territory)
        .select_related("service", "operator", "action")
    )


def requests_of_action(user, action) -> QuerySet[ServiceRequest]:
    return (
        requests_visible_to(user)
        .filter(action=action)
        .select_related("service", "operator", "action", "funding")
    )


def services_for_request() -> list[tuple[str, list[Service]]]:
    """Every service, open ones first ("Services ouverts", then "Services fermés"), by title."""
    today = timezone.localdate()
    open_ids = set(Service.objects.open_on(today).values_list("pk", flat=True))
    services = list(Service.objects.select_related("operator").order_by("title"))
    opened = [s for s in services if s.pk in open_ids]
    closed = [s for s in services if s.pk not in open_ids]
    return [("Services ouverts", opened), ("Services fermés ou hors de leurs dates", closed)]


def mark_details(user, requests) -> list[ServiceRequest]:
    """Sets ``show_details`` on each request: may ``user`` read its action's title and first message
    (offers.view_request_details)? Checked only for confidential actions, the others are open."""
    requests = list(requests)
    for item in requests:
        item.show_details = (
            item.action_id is None
            or not item.action.confidential
            or user.has_perm("offers.view_request_details", item)
        )
    return requests
