"""The PDFs' kinds (reports/services/documents.py): each returns its template and context."""

from __future__ import annotations

from .documents import register
from .national import build_national_report
from .press import build_press_summary
from .sheet import build_sheet, get_territory


@register("fiche")
def sheet_pdf(phase: str, ti_id: str) -> tuple[str, dict]:
    sheet = build_sheet(get_territory(phase, ti_id))
    return "reports/includes/pdf/sheet.html", {
        "title": f"Fiche territoire — {sheet.territory.name}",
        "sheet": sheet,
    }


@register("communique")
def press_pdf(kind: str, code: str) -> tuple[str, dict]:
    press = build_press_summary(kind, code)
    return "reports/includes/pdf/press.html", {"title": press.title, "press": press}


@register("national")
def national_pdf() -> tuple[str, dict]:
    return "reports/includes/pdf/national.html", {
        "title": "Rapport national",
        "report": build_national_report(),
    }
