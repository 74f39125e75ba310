"""« Étiqueter un fichier »: upload a CSV or XLSX, follow its tagging, download the result."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.authz import permission_required
from core.imports import ImportRefused
from core.uploads import private_storage, serve_private_file
from tagging import selectors, services
from tagging.forms import TagForm
from tagging.models import TaggingJob
from territories.models import Phase


def _job(request, job_id):
    return get_object_or_404(TaggingJob, pk=job_id)


def _breadcrumb(current: str, job: bool = False) -> dict:
    links = [{"url": reverse("accounts:dashboard"), "title": "Mon espace"}]
    if job:
        links.append({"url": reverse("tagging:upload"), "title": "Étiqueter un fichier"})
    return {"links": links, "current": current}


@permission_required("tagging.tag_file")
def upload(request):
    phases = list(Phase.objects.order_by("-number").values_list("code", flat=True))
    problems = []
    if request.method == "POST":
        form = TagForm(request.POST, request.FILES, phases=phases)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.create_job(
                    request.user, data["file"], data["file"].name, data["phase"], data["columns"]
                )
            except ImportRefused as refused:
                problems = refused.problems
            else:
                return redirect("tagging:job", job.pk)
    else:
        form = TagForm(phases=phases)
    context = {
        "title": "Étiqueter un fichier",
        "form": form,
        "problems": problems,
        "recent": selectors.recent_jobs(request.user),
        "max_active": services.MAX_ACTIVE_JOBS,
        "retention_days": services.RESULT_RETENTION.days,
        "breadcrumb_data": _breadcrumb("Étiqueter un fichier"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "tagging/upload.html", context, status=status)


@permission_required("tagging.view_job", _job)
def job(request, job_id):
    """A job's state; the page asks again every 2 s (htmx) until it is finished."""
    job = request.authorized_object
    context = {
        "title": "Suivi de l'étiquetage",
        "job": job,
        "task": services.task_of(job),
        "retention_days": services.RESULT_RETENTION.days,
        "breadcrumb_data": _breadcrumb("Suivi de l'étiquetage", job=True),
    }
    if request.headers.get("HX-Request"):
        return render(request, "tagging/includes/job_state.html", context)
    return render(request, "tagging/job.html", context)


@permission_required("tagging.view_job", _job)
def download(request, job_id):
    job = request.authorized_object
    if job.state != TaggingJob.State.DONE or not job.result:
        raise Http404("Ce fichier n'existe pas ou plus.")
    response = serve_private_file(_StoredFile(job.result))
    if job.result.endswith(".csv"):
        response["Content-Type"] = "text/csv; charset=utf-8"
    return response


class _StoredFile:
    """What serve_private_file reads of a FileField's file: a name in the private storage."""

    def __init__(self, name: str):
        self.name = name
        self.storage = private_storage()

    def __bool__(self) -> bool:
        return bool(self.name)

    def open(self, mode="rb"):
        return self.storage.open(self.name, mode)
