"""Reads of the service offer. Each screen family has its section; writes are in offers/services/."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from accounts.permissions import is_staff_reader
from offers.models import Service, ServiceRequest

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
