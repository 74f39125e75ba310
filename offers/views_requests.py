"""Screens of the requests for services: list, new request, a request's page and its answers.

Every view is guarded by a permission of offers/rules.py (« Requests ») through core.authz; the
writes and their rules are in offers/services/requests.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.authz import authorize, permission_required
from offers import selectors
from offers.forms_requests import (
    AcceptForm,
    MessageForm,
    PaymentForm,
    RequestCreateForm,
    RequestFilterForm,
    TransitionForm,
)
from offers.models import RequestState, ServiceRequest
from offers.services import requests as service
from plans.models import HEAVY_FIELDS, Action
from territories.models import Territory

PAGE_SIZE = 50


def _territory(request, phase, ti_id, **kwargs) -> Territory:
    territories = Territory.objects.select_related("phase").defer(*HEAVY_FIELDS)
    return get_object_or_404(territories, phase_id=phase, ti_id=ti_id)


def _request(request, pk, **kwargs) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.select_related(
            "service", "operator", "territory", "action__plan", "funding", "created_by"
        ).defer(*(f"territory__{name}" for name in HEAVY_FIELDS)),
        pk=pk,
    )


def _detail_url(service_request: ServiceRequest) -> str:
    return reverse("offers-requests:detail", args=[service_request.pk])


@permission_required("offers.list_requests")
def request_list(request):
    form = RequestFilterForm(request.GET or None)
    requests = selectors.requests_for_list(request.user, form.filters())
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.mark_details(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offers/requests/list.html",
        {
            "title": "Demandes de service",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "breadcrumb_data": {"current": "Demandes de service"},
        },
    )


@permission_required("offers.request_service", _territory)
def request_create(request, phase, ti_id):
    territory = request.authorized_object
    action = None
    code = request.GET.get("action") or request.POST.get("action")
    if code:
        action = get_object_or_404(
            Action.objects.select_related("plan"), plan__territory=territory, code=code
        )
    confidential = bool(action and action.confidential)
    # A suggestion's « Demander ce service » link names the service (?service=<pk>): preselected.
    initial = {"service": request.GET.get("service", "")}
    form = RequestCreateForm(request.POST or None, confidential=confidential, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = service.create_request(
                    territory=territory,
                    service=form.cleaned_data["service"],
                    user=request.user,
                    message=form.cleaned_data["message"],
                    amount_requested=form.cleaned_data["amount_requested"],
                    action=action,
                )
            except service.RequestError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Votre demande est envoyée à l'opérateur.")
                return redirect(_detail_url(created))
        status = 400
    title = "Demander un service"
    return render(
        request,
        "offers/requests/create.html",
        {
            "title": title,
            "territory": territory,
            "action": action,
            "form": form,
            "breadcrumb_data": {
                "links": [
                    {
                        "url": reverse("plans:detail", args=[territory.phase_id, territory.ti_id]),
                        "title": f"Plan d'action — {territory.name}",
                    }
                ],
                "current": title,
            },
        },
        status=status,
    )


def _detail_context(request, service_request: ServiceRequest, **forms) -> dict:
    user = request.user
    can_answer = user.has_perm("offers.answer_request", service_request)
    state = service_request.state
    allowed = service.TRANSITIONS[state]
    return {
        "title": f"Demande de service n° {service_request.pk}",
        "sr": service_request,
        "show_details": user.has_perm("offers.view_request_details", service_request),
        "messages_list": service_request.messages.select_related("author"),
        "funding": service_request.funding,
        "can_answer": can_answer,
        "can_take": can_answer and RequestState.EN_COURS in allowed,
        "can_decide": can_answer and RequestState.ACCEPTEE in allowed,
        "can_close": RequestState.CLOSE in allowed
        and user.has_perm("offers.close_request", service_request),
        "can_write": state not in (RequestState.REFUSEE, RequestState.CLOSE)
        and user.has_perm("offers.write_request_message", service_request),
        "can_pay": can_answer and service_request.funding_id is not None,
        "accept_form": forms.get("accept_form") or AcceptForm(initial={"expected": state}),
        "refuse_form": forms.get("refuse_form")
        or TransitionForm(initial={"expected": state, "new": RequestState.REFUSEE}),
        "message_form": forms.get("message_form") or MessageForm(),
        "payment_form": forms.get("payment_form")
        or PaymentForm(
            initial={"paid_amount": service_request.funding.paid_amount}
            if service_request.funding
            else None
        ),
        "error": forms.get("error"),
        "breadcrumb_data": {
            "links": [{"url": reverse("offers-requests:list"), "title": "Demandes de service"}],
            "current": f"Demande n° {service_request.pk}",
        },
    }


@permission_required("offers.view_request", _request)
def request_detail(request, pk):
    return render(
        request, "offers/requests/detail.html", _detail_context(request, request.authorized_object)
    )


def _refused(request, service_request, status=400, **forms):
    return render(
        request,
        "offers/requests/detail.html",
        _detail_context(request, service_request, **forms),
        status=status,
    )


@require_POST
@permission_required("offers.view_request", _request)
def request_transition(request, pk):
    """Take in charge, refuse or close (the permission depends on the new state)."""
    service_request = request.authorized_object
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _refused(request, service_request, error="Formulaire incomplet : rechargez la page.")
    new = form.cleaned_data["new"]
    authorize(
        request.user,
        "offers.close_request" if new == RequestState.CLOSE else "offers.answer_request",
        service_request,
    )
    try:
        service.transition(
            service_request,
            request.user,
            form.cleaned_data["expected"],
            new,
            form.cleaned_data["body"],
        )
    except service.RequestConflict as error:
        return _refused(request, _request(request, pk), status=409, error=error.message)
    except service.RequestError as error:
        forms = {"refuse_form": form} if new == RequestState.REFUSEE else {}
        return _refused(request, service_request, error=error.message, **forms)
    messages.success(request, f"Demande passée à l'état « {RequestState(new).label} ».")
    return redirect(_detail_url(service_request))


@require_POST
@permission_required("offers.answer_request", _request)
def request_accept(request, pk):
    service_request = request.authorized_object
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _refused(request, service_request, accept_form=form)
    data = form.cleaned_data
    try:
        service.accept(
            service_request,
            request.user,
            data["expected"],
            data["body"],
            granted_amount=data["granted_amount"],
            decided_on=data["decided_on"],
            scheme=data["scheme"],
        )
    except service.RequestConflict as error:
        return _refused(request, _request(request, pk), status=409, error=error.message)
    except service.RequestError as error:
        form.add_error(None, error.message)
        return _refused(request, service_request, accept_form=form)
    messages.success(request, "Demande acceptée.")
    return redirect(_detail_url(service_request))


@require_POST
@permission_required("offers.answer_request", _request)
def request_payment(request, pk):
    service_request = request.authorized_object
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _refused(request, service_request, payment_form=form)
    try:
        service.record_payment(
            service_request,
            request.user,
            form.cleaned_data["paid_amount"],
            form.cleaned_data["paid_on"],
        )
    except service.RequestError as error:
        form.add_error(None, error.message)
        return _refused(request, service_request, payment_form=form)
    messages.success(request, "Versement enregistré.")
    return redirect(_detail_url(service_request))


@require_POST
@permission_required("offers.write_request_message", _request)
def request_message(request, pk):
    service_request = request.authorized_object
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _refused(request, service_request, message_form=form)
    try:
        service.add_message(service_request, request.user, form.cleaned_data["body"])
    except service.RequestError as error:
        form.add_error(None, error.message)
        return _refused(request, service_request, message_form=form)
    messages.success(request, "Message envoyé.")
    return redirect(_detail_url(service_request))
