"""Requests for services and their decisions: every write, its checks, its journal and its emails.

States: envoyée → en cours → acceptée / refusée / close (TRANSITIONS). Each change is guarded by the
state the person saw (``expected``): the database row changes only if it is still in that state, so
two operators answering at once cannot both win: the second gets RequestConflict and sees the first
one's answer.

The decision of an acceptance with an amount is the action's financement (plans.Funding), created here
once and pointed to by ``ServiceRequest.funding``: the plan's screens and spreadsheets and the operator's
screens read and edit that one row (docs/offers.md, « Demandes de service et décisions »).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from accounts.permissions import is_operator_member, is_territory_editor
from core.emails import queue_email
from offers.models import RequestMessage, RequestState, Service, ServiceRequest
from plans.models import Action, Funding, FundingState
from plans.services.notifications import leads_of
from plans.validation import _euros  # the plans' French amount format, one way

S = RequestState
TRANSITIONS: dict[str, set[str]] = {
    S.ENVOYEE: {S.EN_COURS, S.ACCEPTEE, S.REFUSEE, S.CLOSE},
    S.EN_COURS: {S.ACCEPTEE, S.REFUSEE, S.CLOSE},
    S.ACCEPTEE: {S.CLOSE},
    S.REFUSEE: set(),
    S.CLOSE: set(),
}
# Which side moves a request to a state: the operator answers, either side may close.
OPERATOR_STATES = {S.EN_COURS, S.ACCEPTEE, S.REFUSEE}


class RequestError(Exception):
    """A write refused, with the French message shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(RequestError):
    pass


class RequestConflict(RequestError):
    pass


# --- Recipients and emails -----------------------------------------------------------------------


def operator_members(service_request: ServiceRequest) -> list[str]:
    """Emails of the active members of the operator the request is addressed to."""
    assignments = RoleAssignment.objects.filter(
        role=Role.OPERATEUR, operator=service_request.operator_id, active=True
    )
    return sorted(
        {
            assignment.user.email
            for assignment in assignments.select_related("user")
            if assignment.user.is_active and assignment.user.email
        }
    )


def _notify(service_request: ServiceRequest, event: str, to_operator: bool, body: str = "") -> None:
    """One email to one side. The operator's members never read a confidential action's title, nor
    the request's first message (the messages exchanged afterwards are written to both sides)."""
    recipients = (
        operator_members(service_request) if to_operator else leads_of(service_request.territory)
    )
    if not recipients:
        return
    action = service_request.action
    hidden = to_operator and action is not None and action.confidential
    text = render_to_string(
        "offers/requests/emails/event.txt",
        {
            "request": service_request,
            "event": event,
            "body": body,
            "action_title": None if hidden or action is None else str(action),
            "confidential": hidden,
            "first_message": "" if hidden else service_request.message,
            "to_operator": to_operator,
        },
    )
    subject = f"{event} — demande de service n° {service_request.pk} ({service_request.service})"
    queue_email(subject, text, recipients)


def _author_is_operator_side(user, service_request: ServiceRequest) -> bool:
    return bool(is_operator_member(user, service_request.operator))


# --- Writes --------------------------------------------------------------------------------------


def create_request(
    *,
    territory,
    service: Service,
    user,
    message: str,
    amount_requested: Decimal | None = None,
    action: Action | None = None,
) -> ServiceRequest:
    if action is not None and action.plan.territory_id != territory.pk:
        raise RequestError("Cette fiche action n'appartient pas au plan de ce territoire.")
    if action is not None and action.archived:
        raise RequestError("Une fiche action archivée ne peut plus faire de demande.")
    if not message.strip():
        raise RequestError("Écrivez un message à l'opérateur.")
    with transaction.atomic():
        service_request = ServiceRequest(
            service=service,
            operator=service.operator,
            territory=territory,
            action=action,
            message=message.strip(),
            amount_requested=amount_requested,
            created_by=user,
        )
        service_request._history_user = user
        service_request.save()
        RequestMessage.objects.create(
            request=service_request, author=user, body=message.strip(), state=S.ENVOYEE
        )
    _notify(service_request, "Nouvelle demande de service", to_operator=True)
    return service_request


def _sent_on(service_request: ServiceRequest) -> date:
    """The day the request was sent, in the platform's time zone (Europe/Paris), not UTC's."""
    return timezone.localtime(service_request.created_at).date()


def _check_transition(service_request: ServiceRequest, expected: str, new: str) -> None:
    if new not in TRANSITIONS.get(expected, set()):
        raise IllegalTransition(
            f"Une demande « {S(expected).label} » ne peut pas passer à « {S(new).label} »."
        )


def _move(service_request: ServiceRequest, user, expected: str, new: str, **fields) -> None:
    """Change the state if the row is still in ``expected`` (inside the caller's transaction)."""
    _check_transition(service_request, expected, new)
    now = timezone.now()
    changed = ServiceRequest.objects.filter(pk=service_request.pk, state=expected).update(
        state=new, updated_at=now, **fields
    )
    if not changed:
        current = ServiceRequest.objects.filter(pk=service_request.pk).values_list(
            "state", flat=True
        )
        label = S(current[0]).label if current else "supprimée"
        raise RequestConflict(
            f"La demande a changé entre-temps (elle est maintenant « {label} ») : "
            "relisez-la avant de répondre."
        )
    service_request.refresh_from_db()
    # The journal (simple_history) is written on save: the guarded UPDATE above decided, this saves
    # the same values once more with the author.
    service_request._history_user = user
    service_request.save()


def transition(
    service_request: ServiceRequest, user, expected: str, new: str, body: str = ""
) -> ServiceRequest:
    """Take in charge (en cours), refuse or close; acceptance goes through ``accept``."""
    if new == S.ACCEPTEE:
        return accept(service_request, user, expected, body)
    if new == S.REFUSEE and not body.strip():
        raise RequestError("Expliquez le refus dans le message.")
    with transaction.atomic():
        fields = {"decided_at": timezone.now()} if new == S.REFUSEE else {}
        _move(service_request, user, expected, new, **fields)
        RequestMessage.objects.create(
            request=service_request,
            author=user,
            body=body.strip() or f"Demande passée à l'état « {S(new).label} ».",
            state=new,
        )
    _notify_change(service_request, user, new, body)
    return service_request


def _notify_change(service_request: ServiceRequest, user, new: str, body: str) -> None:
    event = {
        S.EN_COURS: "Demande prise en charge",
        S.ACCEPTEE: "Demande acceptée",
        S.REFUSEE: "Demande refusée",
        S.CLOSE: "Demande close",
    }[new]
    if new in OPERATOR_STATES:
        _notify(service_request, event, to_operator=False, body=body)
    else:
        _notify_other_side(service_request, user, event, body)


def _notify_other_side(service_request: ServiceRequest, user, event: str, body: str) -> None:
    from_operator = _author_is_operator_side(user, service_request)
    from_territory = bool(is_territory_editor(user, service_request.territory))
    if from_operator or not from_territory:
        _notify(service_request, event, to_operator=False, body=body)
    if from_territory or not from_operator:
        _notify(service_request, event, to_operator=True, body=body)


def accept(
    service_request: ServiceRequest,
    user,
    expected: str,
    body: str = "",
    granted_amount: Decimal | None = None,
    decided_on: date | None = None,
    scheme: str = "",
) -> ServiceRequest:
    """Accept; with an amount, record the decision as the action's financement (once).

    A request made from the plan (no action) is accepted without an amount: a financement belongs to
    an action, and a decision with an amount needs one (docs/offers.md).
    """
    decided_on = decided_on or timezone.localdate()
    if granted_amount is not None and service_request.action_id is None:
        raise RequestError(
            "Une décision avec un montant se rattache à une fiche action ; cette demande a été faite "
            "depuis le plan : acceptez-la sans montant, ou demandez au territoire de la refaire "
            "depuis la fiche action."
        )
    if granted_amount is not None and granted_amount < 0:
        raise RequestError("Le montant accordé doit être positif ou nul.")
    if decided_on < _sent_on(service_request):
        raise RequestError(
            f"La date de décision ({decided_on:%d/%m/%Y}) précède la demande "
            f"({_sent_on(service_request):%d/%m/%Y})."
        )
    with transaction.atomic():
        _move(service_request, user, expected, S.ACCEPTEE, decided_at=timezone.now())
        if granted_amount is not None:
            funding = _record_decision(service_request, user, granted_amount, decided_on, scheme)
            service_request.funding = funding
            service_request._history_user = user
            service_request.save()
        text = body.strip() or "Demande acceptée."
        if granted_amount is not None:
            text += (
                f"\nMontant accordé : {_euros(granted_amount)} (décision du {decided_on:%d/%m/%Y})."
            )
        RequestMessage.objects.create(
            request=service_request, author=user, body=text, state=S.ACCEPTEE
        )
    _notify_change(service_request, user, S.ACCEPTEE, text)
    return service_request


def _record_decision(
    service_request: ServiceRequest, user, granted: Decimal, decided_on: date, scheme: str
) -> Funding:
    action = Action.objects.select_for_update().get(pk=service_request.action_id)
    position = (action.fundings.aggregate(last=Max("position"))["last"] or 0) + 1
    asked = service_request.amount_requested
    funding = Funding(
        action=action,
        position=position,
        funder=service_request.operator.name[:255],
        scheme=(scheme.strip() or service_request.service.title)[:255],
        amount=asked if asked is not None else granted,
        granted_amount=granted,
        state=FundingState.ACCORDE,
        requested_on=_sent_on(service_request),
        decided_on=decided_on,
    )
    funding.full_clean(exclude=["action"])
    funding._history_user = user
    funding.save()
    # A plan form opened before the decision must not save over it (plans' optimistic locking).
    Action.objects.filter(pk=action.pk).update(version=F("version") + 1)
    return funding


def record_payment(
    service_request: ServiceRequest, user, paid_amount: Decimal, paid_on: date | None = None
) -> Funding:
    """Record (or correct) the amount paid on the decision's financement: it becomes « Versé »."""
    if service_request.state not in (S.ACCEPTEE, S.CLOSE) or service_request.funding_id is None:
        raise RequestError(
            "Un versement s'enregistre sur une demande acceptée avec un montant accordé."
        )
    paid_on = paid_on or timezone.localdate()
    with transaction.atomic():
        funding = Funding.objects.select_for_update().get(pk=service_request.funding_id)
        funding.paid_amount, funding.paid_on, funding.state = (
            paid_amount,
            paid_on,
            FundingState.VERSE,
        )
        try:
            funding.full_clean(exclude=["action"])
        except ValidationError as error:
            raise RequestError(" ".join(error.messages)) from None
        funding._history_user = user
        funding.save()
        Action.objects.filter(pk=funding.action_id).update(version=F("version") + 1)
        text = f"Versement enregistré : {_euros(paid_amount)} le {paid_on:%d/%m/%Y}."
        RequestMessage.objects.create(request=service_request, author=user, body=text)
    _notify(service_request, "Versement enregistré", to_operator=False, body=text)
    return funding


def add_message(service_request: ServiceRequest, user, body: str) -> RequestMessage:
    if not body.strip():
        raise RequestError("Le message est vide.")
    if service_request.state in (S.REFUSEE, S.CLOSE):
        raise RequestError("Cette demande est terminée : elle ne reçoit plus de message.")
    message = RequestMessage.objects.create(request=service_request, author=user, body=body.strip())
    ServiceRequest.objects.filter(pk=service_request.pk).update(updated_at=timezone.now())
    _notify_other_side(service_request, user, "Nouveau message", body.strip())
    return message
