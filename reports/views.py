"""Pages and files of the reports: territory sheet, press summaries, national report. Public, no
sign-in. Thin: the content comes from reports.services, every figure from stats.services."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.page_cache import cached_page

from .services import documents
from .services.national import build_national_report, write_xlsx
from .services.press import build_press_summary, get_area
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


def _press_page(request, kind: str, code: str):
    wanted = request.GET.get("format", "html")
    if wanted not in ("html", "txt", "pdf"):
        raise Http404("Format inconnu : « html », « txt » ou « pdf ».")
    press = build_press_summary(kind, code)
    area = press.area
    if wanted == "pdf":  # the PDF has its own fixed address
        return redirect(f"reports:press-{kind}-pdf", area.code)
    if wanted == "txt":
        return HttpResponse(press.text, content_type="text/plain; charset=utf-8")
    area_url = reverse(f"public:{kind}", args=[area.code])
    label = f"{area.name} ({area.code})" if kind == "departement" else area.name
    return render(
        request,
        "reports/press.html",
        {
            "title": f"Communiqué — {press.title}",
            "meta_description": f"Communiqué engendré à partir des données : les Territoires "
            f"d'industrie {area.name_of}, leur filiation, leurs plans d'action et leurs financements.",
            "breadcrumb_data": {
                "links": [{"url": area_url, "title": label}],
                "current": "Communiqué",
            },
            "press": press,
            "pdf_url": reverse(f"reports:press-{kind}-pdf", args=[area.code]),
            "area_url": area_url,
            "area_label": ("de la région " if kind == "region" else "du département ") + area.name,
            "data_version": documents.current_version(),
            "generated_at": None,
            "link_base": "",
        },
    )


@cached_page
def press_departement(request, code):
    return _press_page(request, "departement", code)


@cached_page
def press_region(request, code):
    return _press_page(request, "region", code)


def _press_pdf(request, kind: str, code: str):
    area = get_area(kind, code)
    return _pdf(
        request,
        documents.Document("communique", (kind, area.code)),
        f"communique-{kind}-{area.code}.pdf",
        f"Communiqué — Territoires d'industrie {area.name_of}",
        reverse(f"reports:press-{kind}", args=[area.code]),
    )


def press_departement_pdf(request, code):
    return _press_pdf(request, "departement", code)


def press_region_pdf(request, code):
    return _press_pdf(request, "region", code)


def national_pdf(request):
    return _pdf(
        request,
        documents.Document("national"),
        "territoires-industrie-rapport-national.pdf",
        "Rapport national",
        reverse("public:home"),
    )


def national_xlsx(request):
    """Small (one row per région, ~10 KB, ~0.3 s): written in the request, never queued."""
    report = build_national_report()
    stream = io.BytesIO()
    write_xlsx(report, stream)
    response = HttpResponse(
        stream.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="territoires-industrie-rapport-national-{report.phase.code}.xlsx"'
    )
    return response
