"""Emails of the plan workflow, sent through core.emails.queue_email (a background task).

- A plan submitted: the coordinators of the territory's régions (those who validate it), or the
  national team when the région has none; and, for information, the coordinators of its départements.
- A plan validated, published again, sent back or reopened: the territory's project leads.

Everyone can turn these emails off in « Mon espace » (PlanNotificationPreference; no row means on).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from core.emails import queue_email
from plans.models import PlanNotificationPreference, PlanState, PlanTransition


def wants_emails(user) -> bool:
    preference = PlanNotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.workflow_emails


def set_wants_emails(user, wanted: bool) -> None:
    PlanNotificationPreference.objects.update_or_create(
        user=user, defaults={"workflow_emails": wanted}
    )


def _people(assignments) -> list:
    users = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=assignments.filter(active=True).values("user_id"))
        .exclude(plan_notification_preference__workflow_emails=False)
        .order_by("email")
    )
    return [user.email for user in users if user.email]


def validators_of(territory) -> list[str]:
    coordinators = RoleAssignment.objects.filter(
        Q(phase__isnull=True) | Q(phase_id=territory.phase_id),
        role=Role.COORDINATEUR,
        region__in=territory.regions.all(),
    )
    return _people(coordinators) or _people(
        RoleAssignment.objects.filter(role=Role.EQUIPE_NATIONALE)
    )


def departement_coordinators_of(territory) -> list[str]:
    """Département coordinators follow the territory's plan without validating it: informed."""
    coordinators = RoleAssignment.objects.filter(
        Q(phase__isnull=True) | Q(phase_id=territory.phase_id),
        role=Role.COORDINATEUR,
        departement__in=territory.departements.all(),
    )
    return _people(coordinators)


def leads_of(territory) -> list[str]:
    return _people(RoleAssignment.objects.filter(role=Role.CHEF_DE_PROJET, territory=territory))


SUBJECTS = {
    PlanState.SOUMIS: "Plan d'action soumis pour validation — {name}",
    PlanState.VALIDE: "Plan d'action validé — {name}",
    PlanState.BROUILLON: "Plan d'action renvoyé en brouillon — {name}",
}


def notify(transition: PlanTransition) -> list[str]:
    """Queue the email of one workflow step; returns the addresses (empty when nobody wants it)."""
    territory = transition.plan.territory
    if transition.to_state == PlanState.SOUMIS:
        validators = validators_of(territory)
        informed = departement_coordinators_of(territory)
        recipients = validators + [a for a in informed if a not in validators]
    else:
        recipients = leads_of(territory)
    if transition.author_id:
        recipients = [r for r in recipients if r != transition.author.email]
    if not recipients:
        return []
    url = settings.SITE_URL + reverse("plans:detail", args=[territory.phase_id, territory.ti_id])
    body = render_to_string(
        "plans/emails/transition.txt",
        {
            "transition": transition,
            "territory": territory,
            "plan_url": url,
            "preferences_url": settings.SITE_URL + reverse("accounts:dashboard"),
        },
    )
    queue_email(SUBJECTS[transition.to_state].format(name=territory.name), body, recipients)
    return recipients
