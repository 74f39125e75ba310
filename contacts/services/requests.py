""" "Contactez-nous": a request is routed by its commune, emailed to its team, then taken, answered,
transferred and closed from the inbox, each step a dated event (its journal, docs/contacts.md).

Nothing is dropped: a commune that no team covers goes to the national team, and when no national
team exists yet the fallback « Équipe nationale Territoires d'industrie » is created on the spot (its
inbox is read by the administrators and the national team, docs/contacts.md). Every email is queued
as a background task whose id stays on its event, so that the inbox shows one that failed and can
send it again.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    ContactRequest,
    ContactRequestEvent,
    ContactSubmission,
    EventKind,
    Level,
    RequestState,
    Team,
)
from contacts.services.routing import route_commune
from core.emails import queue_email

NATIONAL_FALLBACK_NAME = "Équipe nationale Territoires d'industrie"
NATIONAL_FALLBACK_ORGANISATION = "Agence nationale de la cohésion des territoires (ANCT)"

# References are read over the phone: no 0/O, 1/I/L. 31^6 ≈ 887 million per year: not guessable.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6

# Rate limit per client address: a person sends one request, maybe a second to add something; a
# business park's shared address a few more. Beyond, it is a script.
MAX_PER_ADDRESS = 5
RATE_WINDOW = timedelta(hours=1)
PURGE_BATCH = 500


class RequestError(ValueError):
    """A step that cannot be done (said in French)."""


# --- Routing -------------------------------------------------------------------------------------


def national_fallback_team() -> Team:
    """The national team (the oldest if several), created when none exists: a request is never lost."""
    team = Team.objects.filter(level=Level.NATIONAL).order_by("pk").first()
    if team is None:
        team, _ = Team.objects.get_or_create(
            level=Level.NATIONAL,
            name=NATIONAL_FALLBACK_NAME,
            defaults={"organisation": NATIONAL_FALLBACK_ORGANISATION},
        )
    return team


def _reachable(team: Team) -> bool:
    return any(member.email for member in team.members.all())


def destination_team(commune) -> Team:
    """The first team of the commune's route that someone can receive email for; else the first team
    of the route; else the national team (created if missing)."""
    teams = route_commune(commune).teams
    for team in teams:
        if _reachable(team):
            return team
    return teams[0] if teams else national_fallback_team()


def next_level_team(request: ContactRequest) -> Team | None:
    """The first team above the request's team on its commune's route (territoire -> département ->
    région -> national), preferring one that can receive email; None at the top."""
    rank = {level: position for position, level in enumerate(Level.values)}
    current = rank[request.team.level]
    above = [t for t in route_commune(request.commune).teams if rank[t.level] > current]
    if not above and request.team.level != Level.NATIONAL:
        return national_fallback_team()
    reachable = [t for t in above if _reachable(t)]
    return (reachable or above or [None])[0]


def team_emails(team: Team) -> list[str]:
    return sorted({member.email.lower() for member in team.members.all() if member.email})


# --- Anti-abuse ----------------------------------------------------------------------------------


def allow_submission(ip_address: str | None, now: datetime | None = None) -> bool:
    """Record one sending of the form; False when the address already sent MAX_PER_ADDRESS within
    RATE_WINDOW (the client address as accounts reads it: accounts.services.ratelimit.client_address)."""
    now = now or timezone.now()
    old = ContactSubmission.objects.filter(created_at__lt=now - RATE_WINDOW).order_by("pk")
    old_ids = list(old.values_list("pk", flat=True)[:PURGE_BATCH])
    if old_ids:
        ContactSubmission.objects.filter(pk__in=old_ids).delete()
    recent = ContactSubmission.objects.filter(
        ip_address=ip_address, created_at__gte=now - RATE_WINDOW
    ).count()
    ContactSubmission.objects.create(ip_address=ip_address, created_at=now)
    return recent < MAX_PER_ADDRESS


# --- Emails --------------------------------------------------------------------------------------


def inbox_url(request: ContactRequest) -> str:
    return settings.SITE_URL + reverse("contact-requests:detail", args=[request.reference])


def _render(name: str, **context) -> str:
    return render_to_string(f"contacts/requests/emails/{name}.txt", context).strip() + "\n"


def _notify_team(request: ContactRequest, team: Team, template: str, subject: str, **extra):
    body = _render(template, request=request, team=team, url=inbox_url(request), **extra)
    return queue_email(subject, body, team_emails(team))


def _event(request, kind, *, actor=None, team=None, text="", task_id=None, now=None):
    return ContactRequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        team=team,
        text=text,
        email_task_id=task_id or "",
        created_at=now or timezone.now(),
    )


# --- Steps ---------------------------------------------------------------------------------------


def new_reference(now: datetime) -> str:
    for _ in range(10):
        suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        reference = f"DC-{now.year}-{suffix}"
        if not ContactRequest.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Aucune référence libre après 10 tirages.")  # 1 chance in 10^80


@transaction.atomic
def submit_request(data: dict, now: datetime | None = None) -> ContactRequest:
    """Create the request from the form's cleaned ``data`` (``commune`` a Commune), route it, email
    the team and acknowledge receipt to the requester."""
    now = now or timezone.now()
    team = destination_team(data["commune"])
    request = ContactRequest.objects.create(
        reference=new_reference(now),
        requester_kind=data["requester_kind"],
        organisation=data.get("organisation", ""),
        siret=data.get("siret", ""),
        name=data["name"],
        email=data["email"],
        phone=data.get("phone", ""),
        commune=data["commune"],
        subject=data["subject"],
        message=data["message"],
        consent=data["consent"],
        team=team,
        created_at=now,
    )
    subject = f"Nouvelle demande {request.reference} — {request.commune.name}"
    task_id = _notify_team(request, team, "new_request", subject)
    _event(
        request, EventKind.RECUE, team=team, text=f"Transmise à {team}.", task_id=task_id, now=now
    )
    ack = queue_email(
        f"Votre demande {request.reference} a bien été reçue — Territoires d'industrie",
        _render("acknowledgement", request=request, team=team),
        [request.email],
    )
    _event(request, EventKind.RECUE, text="Accusé de réception envoyé.", task_id=ack, now=now)
    return request


def _check_open(request: ContactRequest) -> None:
    if request.state == RequestState.CLOSE:
        raise RequestError("Cette demande est close.")
    if request.purged_at:
        raise RequestError("Les données de cette demande ont été effacées.")


@transaction.atomic
def take(request: ContactRequest, user, now: datetime | None = None) -> None:
    _check_open(request)
    request.assigned_to = user
    if request.state == RequestState.NOUVELLE:
        request.state = RequestState.PRISE
    request.save(update_fields=["assigned_to", "state"])
    _event(request, EventKind.PRISE, actor=user, team=request.team, now=now)


@transaction.atomic
def answer(request: ContactRequest, user, text: str, now: datetime | None = None) -> None:
    """Email ``text`` to the requester; the first answer dates the response time."""
    _check_open(request)
    now = now or timezone.now()
    task_id = queue_email(
        f"Réponse à votre demande {request.reference} — Territoires d'industrie",
        _render("answer", request=request, text=text, user=user),
        [request.email],
    )
    request.state = RequestState.REPONDUE
    request.assigned_to = request.assigned_to or user
    request.first_answered_at = request.first_answered_at or now
    request.save(update_fields=["state", "assigned_to", "first_answered_at"])
    _event(
        request,
        EventKind.REPONSE,
        actor=user,
        team=request.team,
        text=text,
        task_id=task_id,
        now=now,
    )


@transaction.atomic
def transfer(request: ContactRequest, user, team: Team, reason: str, now=None) -> None:
    _check_open(request)
    if team.pk == request.team_id:
        raise RequestError("La demande est déjà dans la boîte de cette équipe.")
    previous = request.team
    request.team = team
    request.assigned_to = None
    if request.state == RequestState.PRISE:
        request.state = RequestState.NOUVELLE
    request.save(update_fields=["team", "assigned_to", "state"])
    subject = f"Demande {request.reference} transférée à votre équipe — {request.commune.name}"
    task_id = _notify_team(request, team, "transfer", subject, previous=previous, reason=reason)
    _event(
        request, EventKind.TRANSFERT, actor=user, team=team, text=reason, task_id=task_id, now=now
    )


@transaction.atomic
def close(request: ContactRequest, user, now: datetime | None = None) -> None:
    _check_open(request)
    now = now or timezone.now()
    request.state = RequestState.CLOSE
    request.closed_at = now
    request.save(update_fields=["state", "closed_at"])
    _event(request, EventKind.CLOSE, actor=user, team=request.team, now=now)


# --- Emails that did not leave -------------------------------------------------------------------


@dataclass(frozen=True)
class EmailState:
    failed: bool
    label: str


def _is_uuid(value: str) -> bool:
    # The database backend's ids are UUIDs; the immediate backend of the tests has other ids, and
    # keeps no row: such a task ran (and sent) at once.
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _task_rows(task_ids):
    from django_tasks_db.models import DBTaskResult

    ids = [task_id for task_id in task_ids if _is_uuid(task_id)]
    return DBTaskResult.objects.filter(id__in=ids) if ids else DBTaskResult.objects.none()


def email_state(event: ContactRequestEvent) -> EmailState | None:
    """What became of the event's email; None when it sent none. A task with no row left (run at once
    by the immediate backend of the tests, or cleared from the queue once done) was sent."""
    from django_tasks_db.models import DBTaskResult

    from core.tasks import task_state

    if not event.email_task_id:
        return None
    if not _is_uuid(event.email_task_id):
        return EmailState(failed=False, label="Envoyé")
    try:
        state = task_state(event.email_task_id)
    except (DBTaskResult.DoesNotExist, ValueError):
        return EmailState(failed=False, label="Envoyé")
    if state.status == "FAILED":
        return EmailState(failed=True, label=f"Échec d'envoi ({state.label.lower()})")
    return EmailState(failed=False, label="Envoyé" if state.status == "SUCCESSFUL" else state.label)


def failed_request_ids(requests) -> set[int]:
    """Which of ``requests`` have an email that failed, in two queries (for the inbox list)."""
    events = ContactRequestEvent.objects.filter(request__in=requests).exclude(email_task_id="")
    by_task = dict(events.values_list("email_task_id", "request_id"))
    failed = _task_rows(by_task).filter(status="FAILED").values_list("id", flat=True)
    return {by_task[str(task_id)] for task_id in failed}


@transaction.atomic
def retry_email(event: ContactRequestEvent, user, now: datetime | None = None) -> None:
    """Queue again the email of an event whose sending failed (same subject, body and recipients)."""
    from core.emails import send_email

    row = _task_rows([event.email_task_id]).first()
    if row is None or row.status != "FAILED":
        raise RequestError("Ce courriel n'a pas échoué : rien à renvoyer.")
    args = row.args_kwargs.get("args") or []
    kwargs = row.args_kwargs.get("kwargs") or {}
    event.email_task_id = str(send_email.enqueue(*args, **kwargs).id)
    event.save(update_fields=["email_task_id"])
    _event(
        event.request,
        EventKind.NOTE,
        actor=user,
        team=event.request.team,
        text=f"Courriel « {event.get_kind_display()} » renvoyé après un échec.",
        now=now,
    )
