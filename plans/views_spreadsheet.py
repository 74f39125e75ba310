"""Spreadsheet screens of the plans: template, exports, and the import (upload → preview → confirm).

The import in three steps: the upload is checked by a dry run; its preview (what would change) is kept
beside the file and shown page by page; the confirmation writes it, in the request for a small file, as a
background task followed on its own page for a large one (BACKGROUND_ROWS, docs/import.md).
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.authz import authorize, permission_required
from core.imports import ImportRefused, max_rows
from core.models import ImportJob
from plans import selectors
from plans.forms import ExportForm, ImportForm
from plans.models import Action
from plans.services import pending
from plans.services.exporting import export_actions, write_template
from plans.services.importing import PlanImportReport, import_plans
from plans.tasks import run_plan_import
from plans.views import _breadcrumb, _territory

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SESSION_KEY = "plans_pending_imports"
# A file of more rows than this is imported as a background task. The write costs ~1 s per 1,000 new
# actions (10,000 in 9.0 s, docs/decisions.md): 2,000 rows stay well within a request and gunicorn's 30 s.
BACKGROUND_ROWS = 2_000
# Lines of the preview per page: a 20,000-row preview was 21.9 MB of HTML on one page (issue 8).
PREVIEW_PAGE = 100


def _download(fmt: str, filename: str, write) -> HttpResponse:
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def template_download(request):
    """The empty template (no data in it: public)."""
    return _download("xlsx", "modele-plan-action", lambda stream: write_template(stream, "xlsx"))


@permission_required("plans.export_plans", _territory)
def plan_export(request, phase, ti_id, fmt):
    territory = request.authorized_object
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    actions = Action.objects.filter(plan__territory=territory)
    return _download(
        fmt,
        f"plan-{territory.phase_id}-{territory.ti_id}",
        lambda stream: export_actions(actions, stream, fmt),
    )


@permission_required("accounts.is_signed_in")
def export(request):
    """Export a département, a région or the programme: the scope is checked, then cut to what the reader follows."""
    form = ExportForm(request.GET or None)
    if not request.GET or not form.is_valid():
        return render(
            request, "plans/export.html", {"title": "Exporter des plans d'action", "form": form}
        )
    scope = form.scope
    authorize(request.user, "plans.export_plans", scope)
    actions = selectors.actions_in_export_scope(request.user, form.cleaned_data, scope)
    fmt = form.cleaned_data["format"]
    name = "plans-" + (getattr(scope, "code", None) or "programme")
    return _download(fmt, name, lambda stream: export_actions(actions, stream, fmt))


# --- import ------------------------------------------------------------------------------------------------


def _preview(report: PlanImportReport) -> dict:
    """What the preview pages show, kept as JSON beside the file: one line per action of the file or plan."""
    lines = []
    for changes in report.plans:
        lines += [["créée", r["code"], r["title"], ""] for r in changes.created]
        lines += [
            ["modifiée", code, title, ", ".join(fields)]
            for code, title, fields in changes.updated_summary
        ]
        lines += [["inchangée", code, "", ""] for code in changes.unchanged]
        lines += [
            ["absente du fichier (laissée telle quelle)", code, "", ""]
            for code in changes.untouched
        ]
    return {
        "summary": report.summary(),
        "counts": {
            kind: report.count(kind) for kind in ("created", "updated", "unchanged", "untouched")
        },
        "lines": lines,
    }


def _owned(request) -> dict:
    """token → {"name", "rows"} of the files this session uploaded (older sessions kept the name alone:
    those tokens are ignored, and their files purged with the stale ones)."""
    kept = request.session.get(SESSION_KEY, {})
    return {token: entry for token, entry in kept.items() if isinstance(entry, dict)}


def _forget(request, token: str) -> None:
    pending.discard(token)
    owned = _owned(request)
    owned.pop(token, None)
    request.session[SESSION_KEY] = owned


@permission_required("plans.edit_plan", _territory)
def plan_import(request, phase, ti_id):
    """Upload → dry run → preview (plan_import_preview) or every error on this page."""
    territory = request.authorized_object
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "title": "Importer un plan d'action",
        "territory": territory,
        "form": form,
        "max_rows": f"{max_rows():,}".replace(",", "\u202f"),
        "breadcrumb_data": _breadcrumb(territory, "Importer"),
    }
    if request.method != "POST":
        return render(request, "plans/import.html", context)
    if not form.is_valid():
        return render(request, "plans/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    token = pending.keep(upload)
    try:
        report = import_plans(
            pending.path_of(token), phase, territory_id=ti_id, dry_run=True, file_name=upload.name
        )
    except ImportRefused as refused:
        pending.discard(token)
        context.update(problems=refused.problems, hidden_problems=refused.hidden)
        return render(request, "plans/import.html", context, status=400)
    if not report.changed:
        pending.discard(token)
        context["unchanged_summary"] = report.summary()
        return render(request, "plans/import.html", context)
    pending.save_preview(token, _preview(report))
    rows = sum(len(p.created) + len(p.updated) + len(p.unchanged) for p in report.plans)
    request.session[SESSION_KEY] = {**_owned(request), token: {"name": upload.name, "rows": rows}}
    return redirect("plans:import_preview", phase, ti_id, token)


@permission_required("plans.edit_plan", _territory)
def plan_import_preview(request, phase, ti_id, token):
    territory = request.authorized_object
    preview = pending.load_preview(token) if token in _owned(request) else None
    if preview is None:
        messages.error(request, "Ce fichier n'est plus disponible : déposez-le de nouveau.")
        return redirect("plans:import", phase, ti_id)
    page = Paginator(preview["lines"], PREVIEW_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/import_preview.html",
        {
            "title": "Aperçu de l'import",
            "territory": territory,
            "preview": preview,
            "page": page,
            "token": token,
            "background": _owned(request)[token]["rows"] > BACKGROUND_ROWS,
            "breadcrumb_data": _breadcrumb(territory, "Aperçu de l'import"),
        },
    )


@require_POST
@permission_required("plans.edit_plan", _territory)
def plan_import_confirm(request, phase, ti_id):
    token = request.POST.get("token", "")
    owned = _owned(request)
    path = pending.path_of(token) if token in owned else None
    if path is None:
        messages.error(request, "Ce fichier n'est plus disponible : déposez-le de nouveau.")
        return redirect("plans:import", phase, ti_id)
    kept = owned[token]
    if kept["rows"] > BACKGROUND_ROWS:
        job = ImportJob.objects.create(
            kind="plans",
            target=f"{phase}/{ti_id}",
            owner=request.user,
            file_name=kept["name"],
            upload=pending.storage_name(token),
            rows=kept["rows"],
        )
        owned.pop(token)  # the file now belongs to the job, which deletes it when done
        request.session[SESSION_KEY] = owned
        run_plan_import.enqueue(str(job.pk))
        return redirect("plans:import_job", phase, ti_id, job.pk)
    try:
        report = import_plans(
            path, phase, territory_id=ti_id, user=request.user, file_name=kept["name"]
        )
        messages.success(request, report.summary())
    except ImportRefused as refused:  # the plan changed since the preview, or a concurrent import
        reasons = " ".join(p.message for p in refused.problems[:3])
        messages.error(request, f"{refused.headline} {reasons}")
    finally:
        _forget(request, token)
    return redirect("plans:detail", phase, ti_id)


@require_POST
@permission_required("plans.edit_plan", _territory)
def plan_import_cancel(request, phase, ti_id):
    token = request.POST.get("token", "")
    if token in _owned(request):
        _forget(request, token)
        messages.info(request, "Import annulé : le fichier déposé est supprimé.")
    return redirect("plans:import", phase, ti_id)


@permission_required("plans.edit_plan", _territory)
def plan_import_job(request, phase, ti_id, job_id):
    """A background import's state; the page asks again every few seconds (htmx) until it is finished."""
    territory = request.authorized_object
    job = get_object_or_404(
        ImportJob, pk=job_id, kind="plans", target=f"{phase}/{ti_id}", owner=request.user
    )
    context = {
        "title": "Suivi de l'import",
        "territory": territory,
        "job": job,
        "breadcrumb_data": _breadcrumb(territory, "Suivi de l'import"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "plans/includes/import_job_state.html", context)
    return render(request, "plans/import_job.html", context)
