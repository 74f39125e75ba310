"""Management screens of the catalogue (/offre/gestion/): list, create, edit, close, import, export.

Operators' staff manage their own operator's services, the national team and administrators all
(offers/rules.py, « Catalogue management »). Every write goes through offers/services/catalogue.py and
is journalled.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.authz import authorize, permission_required
from core.imports import ImportRefused, max_rows
from offers.forms_manage import CatalogueImportForm, ServiceForm
from offers.models import Operator, Service, ServiceStatus
from offers.rules import managed_operator_ids
from offers.services.catalogue import close_service, export_catalogue, import_catalogue, save_record
from plans.services import pending

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SESSION_KEY = "offers_pending_imports"
PAGE_SIZE = 50


def _service(request, slug):
    return get_object_or_404(Service.objects.select_related("operator"), slug=slug)


def _managed(user):
    operators = managed_operator_ids(user)
    services = Service.objects.select_related("operator")
    return services if operators is None else services.filter(operator_id__in=operators)


def _breadcrumb(current: str, *, home: bool = False) -> dict:
    links = (
        [] if home else [{"url": reverse("offers-manage:list"), "title": "Gestion du catalogue"}]
    )
    return {"links": links, "current": current}


@permission_required("offers.manage_catalogue")
def service_list(request):
    services = _managed(request.user).order_by("title")
    status = request.GET.get("statut", "")
    if status in ServiceStatus.values:
        services = services.filter(status=status)
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "offers/manage/service_list.html",
        {
            "title": "Gestion du catalogue",
            "page": page,
            "status": status,
            "statuses": ServiceStatus.choices,
            "breadcrumb_data": _breadcrumb("Gestion du catalogue", home=True),
        },
    )


@permission_required("offers.manage_catalogue")
def service_create(request):
    if request.method == "POST":
        # A service for an operator one does not manage is refused outright (403), not as a form error.
        operator = Operator.objects.filter(slug=request.POST.get("operator", "")).first()
        if operator is not None:
            authorize(request.user, "offers.add_service_of", operator)
    form = ServiceForm(request.POST or None, operators=managed_operator_ids(request.user))
    if request.method == "POST" and form.is_valid():
        service = save_record(form.record, user=request.user, reason="Création")
        messages.success(request, f"Service « {service.title} » créé.")
        return redirect("offers-manage:list")
    return render(
        request,
        "offers/manage/service_form.html",
        {
            "title": "Nouveau service",
            "form": form,
            "breadcrumb_data": _breadcrumb("Nouveau service"),
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required("offers.edit_service", _service)
def service_edit(request, slug):
    service = request.authorized_object
    form = ServiceForm(
        request.POST or None, operators=managed_operator_ids(request.user), service=service
    )
    if request.method == "POST" and form.is_valid():
        save_record(form.record, service, user=request.user, reason="Modification")
        messages.success(request, f"Service « {service.title} » enregistré.")
        return redirect("offers-manage:list")
    return render(
        request,
        "offers/manage/service_form.html",
        {
            "title": f"Modifier « {service.title} »",
            "form": form,
            "service": service,
            "breadcrumb_data": _breadcrumb("Modifier un service"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required("offers.edit_service", _service)
def service_close(request, slug):
    service = request.authorized_object
    if close_service(service, user=request.user):
        messages.success(request, f"Service « {service.title} » fermé.")
    else:
        messages.info(request, f"Le service « {service.title} » était déjà fermé.")
    return redirect("offers-manage:list")


@permission_required("offers.manage_catalogue")
def catalogue_export(request, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    buffer = io.BytesIO()
    export_catalogue(_managed(request.user), buffer, fmt)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="catalogue.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _import_context(form, **extra) -> dict:
    return {
        "title": "Importer un catalogue",
        "form": form,
        "max_rows": f"{max_rows():,}".replace(",", "\u202f"),
        "breadcrumb_data": _breadcrumb("Importer un catalogue"),
        **extra,
    }


@permission_required("offers.manage_catalogue")
def catalogue_import(request):
    """Upload → dry run → preview with a confirmation button, or every error on this page."""
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "offers/manage/import.html", _import_context(form))
    if not form.is_valid():
        return render(request, "offers/manage/import.html", _import_context(form), status=400)
    upload = form.cleaned_data["file"]
    token = pending.keep(upload)
    try:
        report = import_catalogue(
            pending.path_of(token),
            dry_run=True,
            file_name=upload.name,
            operators=managed_operator_ids(request.user),
        )
    except ImportRefused as refused:
        pending.discard(token)
        context = _import_context(form, problems=refused.problems, hidden_problems=refused.hidden)
        return render(request, "offers/manage/import.html", context, status=400)
    if not report.changed:
        pending.discard(token)
        context = _import_context(form, unchanged_summary=report.summary())
        return render(request, "offers/manage/import.html", context)
    request.session[SESSION_KEY] = {
        **request.session.get(SESSION_KEY, {}),
        token: upload.name,
    }
    return render(
        request,
        "offers/manage/import_preview.html",
        {
            "title": "Aperçu de l'import du catalogue",
            "report": report,
            "token": token,
            "breadcrumb_data": _breadcrumb("Aperçu de l'import"),
        },
    )


@require_POST
@permission_required("offers.manage_catalogue")
def catalogue_import_confirm(request):
    token = request.POST.get("token", "")
    owned = request.session.get(SESSION_KEY, {})
    path = pending.path_of(token) if token in owned else None
    if path is None:
        messages.error(request, "Ce fichier n'est plus disponible : déposez-le de nouveau.")
        return redirect("offers-manage:import")
    name = owned.pop(token)
    request.session[SESSION_KEY] = owned
    try:
        # Checked again: the catalogue or the person's roles may have changed since the preview.
        report = import_catalogue(
            path, user=request.user, file_name=name, operators=managed_operator_ids(request.user)
        )
    except ImportRefused as refused:
        context = _import_context(
            CatalogueImportForm(), problems=refused.problems, hidden_problems=refused.hidden
        )
        return render(request, "offers/manage/import.html", context, status=400)
    finally:
        pending.discard(token)
    messages.success(request, report.summary())
    return redirect("offers-manage:list")
