"""`territoires relances`, run daily by cron: an unanswered request is chased at D+7 and escalated at D+21.

- D+7 (calendar days after receipt): the person who took it (if still allowed to work it), else
  every member of its team, is reminded by email;
- D+21: it goes up one level on its commune's route (territoire -> département -> région ->
  national: contacts/services/routing.py), whose members are emailed; at the national level the
  national team is emailed again.

Each step happens once per request (``reminded_at``, ``escalated_at``, set by a conditional update:
two runs at once cannot both send), so running it twice a day, or again after a failure, is harmless.
A request 21 days old never reminded (cron stopped for weeks) is escalated, not reminded first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from contacts.models import ContactRequest, EventKind, RequestState
from contacts.services import requests as steps
from core.emails import queue_email

REMIND_AFTER = timedelta(days=7)
ESCALATE_AFTER = timedelta(days=21)


@dataclass
class RemindersReport:
    reminded: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)


def _unanswered():
    return (
        ContactRequest.objects.filter(first_answered_at__isnull=True, purged_at__isnull=True)
        .exclude(state=RequestState.CLOSE)
        .select_related("team", "commune", "assigned_to")
        .order_by("created_at", "pk")
    )


def _claim(request: ContactRequest, **fields) -> bool:
    """Set the step's date if nobody did yet; True for the one run that did."""
    unset = {f"{name}__isnull": True for name in fields}
    return bool(ContactRequest.objects.filter(pk=request.pk, **unset).update(**fields))


@transaction.atomic
def _remind(request: ContactRequest, now: datetime) -> bool:
    if not _claim(request, reminded_at=now):
        return False
    assignee = request.assigned_to
    # The person who took it, while they may still work it: one removed from the team since (or
    # deactivated) would get a link to a page now refused to them, and the team no reminder at all
    # (walk of 2026-12-04). The team is reminded instead.
    if not (
        assignee
        and assignee.email
        and assignee.has_perm("contacts.handle_contact_request", request)
    ):
        assignee = None
    recipients = [assignee.email] if assignee else steps.team_emails(request.team)
    body = steps._render(
        "reminder", request=request, team=request.team, url=steps.inbox_url(request)
    )
    task_id = queue_email(
        f"Relance : demande {request.reference} sans réponse depuis 7 jours", body, recipients
    )
    who = assignee.email if assignee else str(request.team)
    if not recipients:
        who += " (aucun membre n'a d'adresse : personne n'a été prévenu)"
    steps._event(
        request,
        EventKind.RELANCE,
        team=request.team,
        text=f"Sans réponse depuis 7 jours : relance envoyée à {who}.",
        task_id=task_id,
        now=now,
    )
    return True


@transaction.atomic
def _escalate(request: ContactRequest, now: datetime) -> bool:
    if not _claim(request, escalated_at=now):
        return False
    ContactRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(reminded_at=now)
    previous = request.team
    target = steps.next_level_team(request) or previous
    if target != previous:
        request.team = target
        request.assigned_to = None
        request.state = RequestState.NOUVELLE
        request.save(update_fields=["team", "assigned_to", "state"])
        text = f"Sans réponse depuis 21 jours : remontée de {previous} à {target}."
    else:
        text = f"Sans réponse depuis 21 jours, au niveau national : {target} est relancée."
    body = steps._render(
        "escalation", request=request, team=target, previous=previous, url=steps.inbox_url(request)
    )
    task_id = queue_email(
        f"Demande {request.reference} sans réponse depuis 21 jours — {request.commune.name}",
        body,
        steps.team_emails(target),
    )
    steps._event(request, EventKind.REMONTEE, team=target, text=text, task_id=task_id, now=now)
    return True


def send_reminders(now: datetime | None = None) -> RemindersReport:
    """Remind and escalate every request due at ``now`` (default: the current time)."""
    now = now or timezone.now()
    report = RemindersReport()
    due_escalation = _unanswered().filter(
        escalated_at__isnull=True, created_at__lte=now - ESCALATE_AFTER
    )
    for request in due_escalation:
        if _escalate(request, now):
            report.escalated.append(request.reference)
    due_reminder = _unanswered().filter(
        reminded_at__isnull=True, created_at__lte=now - REMIND_AFTER
    )
    for request in due_reminder:
        if _remind(request, now):
            report.reminded.append(request.reference)
    return report
