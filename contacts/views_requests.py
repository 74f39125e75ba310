"""Pages of the "Contactez-nous" requests: the public form, its confirmation, the public response
times, and the teams' inbox. Thin: the steps are in contacts/services/requests.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.services.ratelimit import client_address
from contacts.forms_requests import (
    HONEYPOT_FIELD,
    AnswerForm,
    ContactRequestForm,
    InboxFilterForm,
    TransferForm,
)
from contacts.models import ContactRequest, ContactRequestEvent, RequestState
from contacts.selectors_requests import member_teams, visible_requests, visible_teams
from contacts.services import requests as steps
from contacts.services.response_times import public_figures, team_figures
from core.authz import permission_required
from geo.models import Commune

PAGE_SIZE = 50
RATE_LIMITED = (
    "Trop de demandes ont été envoyées depuis votre adresse réseau dans l'heure : "
    "réessayez plus tard, ou écrivez directement à l'équipe de votre territoire."
)


def _crumbs(current: str, *links: tuple[str, str]) -> dict:
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


def _initial_commune(code: str) -> str:
    commune = Commune.objects.filter(code=(code or "").strip().upper()).first()
    return f"{commune.name} ({commune.code})" if commune else ""


def contact_form(request):
    if request.method == "POST":
        form = ContactRequestForm(request.POST)
        if form.is_bot():
            # Answered as a success, so that the robot learns nothing; nothing is stored or sent.
            steps.allow_submission(client_address(request))
            return render(request, "contacts/requests/sent.html", {"title": "Demande envoyée"})
        if form.is_valid():
            if not steps.allow_submission(client_address(request)):
                form.add_error(None, RATE_LIMITED)
            else:
                created = steps.submit_request(form.cleaned_data)
                return redirect("contact-requests:sent", created.reference)
    else:
        form = ContactRequestForm(initial={"commune": _initial_commune(request.GET.get("commune"))})
    return render(
        request,
        "contacts/requests/form.html",
        {
            "title": "Contactez-nous",
            "meta_description": "Une question, un projet industriel ? Votre demande est transmise à "
            "l'équipe Territoires d'industrie de votre commune.",
            "breadcrumb_data": _crumbs("Contactez-nous"),
            "form": form,
            "honeypot": HONEYPOT_FIELD,
            "retention_months": settings.CONTACT_REQUEST_RETENTION_MONTHS,
        },
        status=400 if form.is_bound else 200,
    )


def sent(request, reference):
    item = get_object_or_404(ContactRequest.objects.select_related("team"), reference=reference)
    if item.purged_at:
        raise Http404("Demande inconnue.")
    return render(
        request,
        "contacts/requests/sent.html",
        {"title": "Demande envoyée", "item": item, "breadcrumb_data": _crumbs("Demande envoyée")},
    )


def delays(request):
    country, departements = public_figures()
    return render(
        request,
        "contacts/requests/delays.html",
        {
            "title": "Délais de réponse aux demandes",
            "meta_description": "Part des demandes « Contactez-nous » répondues en 5 jours ouvrés "
            "et délai médian de première réponse, par département et pour la France.",
            "breadcrumb_data": _crumbs(
                "Délais de réponse", (reverse("contact-requests:form"), "Contactez-nous")
            ),
            "country": country,
            "departements": departements,
        },
    )


# --- Inbox ---------------------------------------------------------------------------------------


@permission_required("contacts.use_request_inbox")
def inbox(request):
    teams = visible_teams(request.user).order_by("level", "name", "pk")
    form = InboxFilterForm(request.GET or None, teams=teams)
    items = visible_requests(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            items = items.filter(state=data["state"])
        if data["team"]:
            items = items.filter(team=data["team"])
        if data["since"]:
            items = items.filter(created_at__date__gte=data["since"])
        if data["until"]:
            items = items.filter(created_at__date__lte=data["until"])
    page = Paginator(items.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    failed = steps.failed_request_ids(shown)
    own_teams = list(member_teams(request.user).order_by("level", "name", "pk"))
    chosen = form.cleaned_data.get("team") if form.is_valid() else None
    figure_teams = [chosen] if chosen else own_teams
    return render(
        request,
        "contacts/requests/inbox.html",
        {
            "title": "Demandes reçues",
            "form": form,
            "page": page,
            "rows": [(item, item.pk in failed) for item in shown],
            "figures": [team_figures(team) for team in figure_teams],
            "query": request.GET.urlencode(),
        },
    )


def _get_request(request, reference, **_ignored):
    return get_object_or_404(
        ContactRequest.objects.select_related("team", "commune__departement", "assigned_to"),
        reference=reference,
    )


@permission_required("contacts.view_contact_request", _get_request)
def detail(request, reference):
    item = request.authorized_object
    events = list(item.events.select_related("actor", "team").order_by("created_at", "pk"))
    can_handle = request.user.has_perm("contacts.handle_contact_request", item)
    return render(
        request,
        "contacts/requests/detail.html",
        {
            "title": f"Demande {item.reference}",
            "breadcrumb_data": _crumbs(
                item.reference, (reverse("contact-requests:inbox"), "Demandes reçues")
            ),
            "item": item,
            "events": [(event, steps.email_state(event)) for event in events],
            "can_handle": can_handle,
            "is_open": item.state != RequestState.CLOSE and not item.purged_at,
            "answer_form": AnswerForm(),
            "transfer_form": TransferForm(exclude_team=item.team),
        },
    )


def _step(request, reference, action, success: str):
    item = request.authorized_object
    try:
        action(item)
    except steps.RequestError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, success)
    if request.user.has_perm("contacts.view_contact_request", item):
        return redirect("contact-requests:detail", reference)
    return redirect("contact-requests:inbox")  # transferred out of the person's teams


@require_POST
@permission_required("contacts.handle_contact_request", _get_request)
def take(request, reference):
    return _step(
        request,
        reference,
        lambda item: steps.take(item, request.user),
        "Vous suivez cette demande.",
    )


def _invalid(request, reference, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
@permission_required("contacts.handle_contact_request", _get_request)
def answer(request, reference):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _invalid(request, reference, form)
        return redirect("contact-requests:detail", reference)
    return _step(
        request,
        reference,
        lambda item: steps.answer(item, request.user, form.cleaned_data["text"]),
        "Votre réponse est envoyée au demandeur.",
    )


@require_POST
@permission_required("contacts.handle_contact_request", _get_request)
def transfer(request, reference):
    form = TransferForm(request.POST, exclude_team=request.authorized_object.team)
    if not form.is_valid():
        _invalid(request, reference, form)
        return redirect("contact-requests:detail", reference)
    data = form.cleaned_data
    return _step(
        request,
        reference,
        lambda item: steps.transfer(item, request.user, data["team"], data["reason"]),
        f"Demande transférée à {data['team']}.",
    )


@require_POST
@permission_required("contacts.handle_contact_request", _get_request)
def close(request, reference):
    return _step(request, reference, lambda item: steps.close(item, request.user), "Demande close.")


@require_POST
@permission_required("contacts.handle_contact_request", _get_request)
def retry(request, reference, event_id):
    event = get_object_or_404(ContactRequestEvent, pk=event_id, request=request.authorized_object)
    return _step(
        request,
        reference,
        lambda item: steps.retry_email(event, request.user),
        "Le courriel est de nouveau en file d'envoi.",
    )
