"""The open data page and its downloads (public, GET only; docs/opendata.md).

- ``/donnees/``: every file with its state, licence, sources and data dictionary;
- ``/donnees/fichiers/<name>``: the file at the current version of the data, or a 202 (plain French
  text, ``Retry-After``) while it is being prepared: never an older version without saying so;
- ``/donnees/fichiers/<version>/<name>``: one version exactly (the page links the previous one, with
  its date, while the current one is being prepared); immutable, cached for a year.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from opendata import datasets as registry
from opendata import services
from opendata.dictionary import TABLES
from opendata.models import Build, BuildState

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
RETRY_AFTER_SECONDS = 60


def _groups(entries: list[services.Entry]) -> list[tuple[str, list[services.Entry]]]:
    groups: dict[str, list[services.Entry]] = {}
    for item in entries:
        groups.setdefault(item.dataset.group, []).append(item)
    return list(groups.items())


@require_safe
def page(request):
    entries = services.entries()
    return render(
        request,
        "opendata/page.html",
        {
            "title": "Données ouvertes",
            "meta_description": "Téléchargez les Territoires d'industrie (CSV, XLSX, GeoJSON), leurs "
            "communes et groupements au format data.gouv.fr, leur filiation et les actions publiques "
            "des plans, sous Licence Ouverte 2.0.",
            "breadcrumb_data": {"links": [], "current": "Données ouvertes"},
            "groups": _groups(entries),
            "preparing": sum(not e.ready for e in entries),
            "tables": list(TABLES.values()),
            "licence_url": LICENCE_URL,
        },
    )


def _serve(dataset: registry.Dataset, build: Build, cache_control: str) -> FileResponse:
    try:
        handle = default_storage.open(build.path, "rb")
    except FileNotFoundError as missing:
        raise Http404("Fichier introuvable.") from missing
    response = FileResponse(
        handle, as_attachment=True, filename=dataset.name, content_type=dataset.content_type
    )
    response["Cache-Control"] = cache_control
    response["ETag"] = f'"{build.version}"'
    response["Last-Modified"] = build.built_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@require_safe
def download(request, name: str):
    dataset = registry.find(name)
    if dataset is None:
        raise Http404("Aucun fichier de ce nom.")
    item = services.entry(dataset)
    if item.ready:
        # A short cache: the address stays, its content changes with the data.
        return _serve(dataset, item.current, "public, max-age=60")
    text = f"Le fichier {dataset.name} est en préparation : les données ont changé depuis sa "
    text += "dernière version. Réessayez dans une minute."
    if item.failed:
        text = f"La préparation du fichier {dataset.name} a échoué ; elle sera relancée. "
    if item.previous is not None:
        text += (
            f"\nVersion précédente (données du {item.previous.built_at:%d/%m/%Y à %H:%M} UTC) : "
            f"{request.build_absolute_uri(_version_url(item.previous))}"
        )
    response = HttpResponse(text + "\n", status=202, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _version_url(build: Build) -> str:
    return reverse("opendata:download_version", args=[build.version, build.dataset])


@require_safe
def download_version(request, version: str, name: str):
    dataset = registry.find(name)
    build = Build.objects.filter(dataset=name, version=version, state=BuildState.READY).first()
    if dataset is None or build is None:
        raise Http404("Cette version du fichier n'existe pas ou plus.")
    return _serve(dataset, build, "public, max-age=31536000, immutable")
