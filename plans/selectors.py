"""Read queries of the plan screens (services/ write, this module reads)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from accounts.permissions import is_staff_reader
from accounts.selectors import territories_followed_by
from plans.models import HEAVY_FIELDS, Action, ActionPlan, Funding, PlanState
from plans.services.publication import annotate_modified_since_publication

# A draft plan is « en retard » when nothing in it (the plan or one of its actions) changed for this
# long: about six months, two programme committees (docs/plans.md).
STALE_AFTER = timedelta(days=182)

OVERVIEW_FILTERS = {
    "a-valider": "À valider (soumis)",
    "en-retard": "En retard (brouillon sans modification depuis six mois)",
    "modifie": "Modifié depuis la validation",
    "valide": "Validé",
    "brouillon": "Brouillon",
}


def plan_of(territory) -> ActionPlan | None:
    """The territory's plan, None if there is none yet (no query when the territory was read with
    ``select_related("action_plan")``)."""
    try:
        return territory.action_plan
    except ActionPlan.DoesNotExist:
        return None


def funders_of(actions: QuerySet[Action]) -> list[str]:
    return sorted(set(Funding.objects.filter(action__in=actions).values_list("funder", flat=True)))


def actions_in_export_scope(user, data: dict, scope) -> QuerySet[Action]:
    """The actions of an export: the chosen phase and area, cut to the territories the reader follows."""
    territories = territories_followed_by(user)
    if data.get("phase"):
        territories = territories.filter(phase=data["phase"])
    if data.get("departement"):
        territories = territories.filter(departements=scope)
    elif data.get("region"):
        territories = territories.filter(regions=scope)
    return Action.objects.filter(plan__territory__in=territories.values("pk"))


def plans_overview(user, chosen: str = "", now=None) -> QuerySet[ActionPlan]:
    """The plans of the territories the person follows, with their state, last activity and whether
    they changed since their last validation; ``chosen`` is one of OVERVIEW_FILTERS (or "")."""
    now = now or timezone.now()
    plans = (
        ActionPlan.objects.filter(territory__in=territories_followed_by(user).values("pk"))
        .select_related("territory")
        .defer(*(f"territory__{name}" for name in HEAVY_FIELDS))
        .annotate(
            action_count=Count("actions", filter=Q(actions__archived=False)),
            last_activity=Greatest(
                "updated_at", Coalesce(Max("actions__updated_at"), "updated_at")
            ),
        )
    )
    plans = annotate_modified_since_publication(plans)
    if chosen == "a-valider":
        plans = plans.filter(state=PlanState.SOUMIS)
    elif chosen == "en-retard":
        plans = plans.filter(state=PlanState.BROUILLON, last_activity__lt=now - STALE_AFTER)
    elif chosen == "modifie":
        plans = plans.filter(modified_since_publication=True)
    elif chosen in (PlanState.VALIDE, PlanState.BROUILLON):
        plans = plans.filter(state=chosen)
    return plans.order_by("territory__phase_id", "territory__name")


def export_scopes(user) -> list[tuple[str, dict]]:
    """The exports offered on the overview: the programme for the national team, each coordinated area
    for a coordinator (query parameters of plans:export)."""
    if is_staff_reader(user):
        return [("Tout le programme", {})]
    scopes = []
    for assignment in RoleAssignment.objects.filter(
        user=user, role=Role.COORDINATEUR, active=True
    ).select_related("region", "departement"):
        if assignment.region_id:
            scopes.append((f"Région {assignment.region.name}", {"region": assignment.region_id}))
        elif assignment.departement_id:
            scopes.append(
                (
                    f"Département {assignment.departement.name}",
                    {"departement": assignment.departement_id},
                )
            )
    return scopes


def latest_publications(phase: str = "", ti_id: str = "") -> QuerySet:
    """The last publication of every validated plan (what the public sees), in phase then territory
    order, with its territory; optionally of one phase and one territory identifier (the API)."""
    from django.db.models import OuterRef, Subquery

    from plans.models import PlanPublication

    latest = (
        PlanPublication.objects.filter(plan=OuterRef("plan"))
        .order_by("-published_at", "-id")
        .values("id")[:1]
    )
    publications = PlanPublication.objects.filter(id=Subquery(latest)).select_related(
        "plan__territory"
    )
    if phase:
        publications = publications.filter(plan__territory__phase_id=phase)
    if ti_id:
        publications = publications.filter(plan__territory__ti_id=ti_id)
    return publications.defer(
        "plan__territory__geometry", "plan__territory__geometry_simplified"
    ).order_by("plan__territory__phase__number", "plan__territory__ti_id")
