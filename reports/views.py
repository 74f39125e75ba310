"""Pages and files of the reports: territory sheet, press summaries, national report. Public, no
sign-in. Thin: the content comes from reports.services, every figure from stats.services."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse

from core.page_cache import cached_page

from .services import documents
from .services.sheet import build_sheet, get_territory


def _pdf(request, document: documents.Document, filename: str, title: str, back_url: str):
    """The PDF of the current data version: at once when built, else queued (« en préparation »)."""
    version = documents.current_version()
    path = documents.cached_file(document, version)
    if path is None:
        documents.request_build(document, version)
        path = documents.cached_file(document, version)  # built already by an immediate backend
    if path is None:
        response = render(
            request,
            "reports/pending.html",
            {"title": "Document en préparation", "document_title": title, "back_url": back_url},
            status=202,
        )
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
    response = FileResponse(open(path, "rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = f'"{version}"'
    return response


@cached_page
def sheet(request, phase, ti_id):
    item = build_sheet(get_territory(phase, ti_id))
    territory = item.territory
    return render(
        request,
        "reports/sheet.html",
        {
            "title": f"Fiche territoire — {territory.name} ({territory.phase_id})",
            "meta_description": f"Fiche imprimable du Territoire d'industrie {territory.name} : "
            "périmètre, membres, filiation, plan d'action, financements, services et contacts.",
            "breadcrumb_data": {
                "links": [
                    {
                        "url": reverse(
                            "public:territory", args=[territory.phase_id, territory.ti_id]
                        ),
                        "title": territory.name,
                    }
                ],
                "current": "Fiche territoire",
            },
            "sheet": item,
            "data_version": documents.current_version(),
            "generated_at": None,
            "link_base": "",
        },
    )


def sheet_pdf(request, phase, ti_id):
    territory = get_territory(phase, ti_id)
    return _pdf(
        request,
        documents.Document("fiche", (territory.phase_id, territory.ti_id)),
        f"fiche-{territory.ti_id}-{territory.phase_id}.pdf",
        f"Fiche territoire — {territory.name}",
        reverse("reports:sheet", args=[territory.phase_id, territory.ti_id]),
    )
