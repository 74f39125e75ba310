"""The dashboards (docs/stats.md): national, régional, départemental and territory, for a phase
(``?phase=``, the latest by default), and the comparison of the départements.

Public pages: the public figures need no sign-in. A signed-in person who may read a territory's plan
(``stats.count_confidential``) gets its confidential actions in the totals; those pages are then
rendered for that person only (the page cache serves anonymous visitors alone).
Every chart and table downloads as CSV: ``?format=csv&graphique=<name>`` (formulas neutralised).
"""

from __future__ import annotations

import csv
from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from core.exports import neutralize_row
from core.page_cache import cached_page
from geo.models import Departement
from stats.services.dashboard import compare_areas, compare_phases, dashboard_figures
from stats.services.scope import Scope, phase_or_latest
from stats.tables import Table, area_table, dashboard_tables, phases_table
from territories.models import Phase, Territory


def _cached(view):
    """``cached_page`` for the pages; CSV downloads bypass it (it keeps a body and a content type
    only, and would drop their Content-Disposition)."""
    cached = cached_page(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return view(request, *args, **kwargs)
        return cached(request, *args, **kwargs)

    return wrapper


def _viewer(request):
    return request.user if request.user.is_authenticated else None


def _csv(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{table.name}.csv"'
    response.write("\ufeff")  # lets spreadsheet software read the accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow(neutralize_row(table.headers))
    for row in table.rows:
        writer.writerow(neutralize_row("" if value is None else value for value in row))
    return response


def _sort_links(request, table: Table) -> list[dict]:
    """Header cells of a sortable table: each a link sorting by its column (again: the other way)."""
    current = request.GET.get("tri", "")
    headers = []
    for key, label in zip(table.sort_keys, table.headers, strict=True):
        ascending = current == key
        descending = current == f"-{key}"
        target = f"-{key}" if ascending else key
        query = {k: v for k, v in request.GET.items() if k not in ("tri", "format", "graphique")}
        query["tri"] = target
        headers.append(
            {
                "label": label,
                "url": f"?{urlencode(query)}#{table.name}",
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
                "next": "décroissant" if ascending else "croissant",
            }
        )
    return headers


def _respond(request, template: str, context: dict, tables: list[Table], filename: str):
    """The page, or one of its tables as CSV; the sortable table sorted by ``?tri=``."""
    for table in tables:
        if table.sort_keys and request.GET.get("tri"):
            table.sorted_by(request.GET["tri"])
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("graphique", "")
        for table in tables:
            if table.name == wanted:
                return _csv(table, filename)
        raise Http404(f"Graphique inconnu : {wanted}")
    kept = {k: v for k, v in request.GET.items() if k in ("phase", "tri")}
    for table in tables:
        table.sort_headers = _sort_links(request, table) if table.sort_keys else []
        table.csv_url = "?" + urlencode({**kept, "format": "csv", "graphique": table.name})
    context["tables"] = tables
    context["phases"] = Phase.objects.order_by("-number")
    return render(request, template, context)


def _dashboard(request, scope: Scope, phase: Phase, title: str, context: dict):
    figures = dashboard_figures(phase, scope, _viewer(request))
    tables = dashboard_tables(figures)
    if scope.kind != "territoire":  # an identifier may name another territory in another phase
        tables.append(phases_table(compare_phases(scope, _viewer(request))))
    comparison = context.pop("comparison", None)
    if comparison is not None:
        tables.append(comparison)
    context.update(
        {
            "title": title,
            "scope": scope,
            "phase": phase,
            "figures": figures,
            "late": figures["retards"],
        }
    )
    filename = f"tableau-de-bord-{scope.key}-{phase.code}"
    return _respond(request, "stats/dashboard.html", context, tables, filename)


def _area_links(rows: list[dict], by: str, phase: Phase) -> list[str]:
    name = "stats:region" if by == "region" else "stats:departement"
    return [f"{reverse(name, args=[row['code']])}?phase={phase.code}" for row in rows]


@_cached
def national(request):
    phase = phase_or_latest(request.GET.get("phase"))
    rows = compare_areas(phase, "region", _viewer(request))
    return _dashboard(
        request,
        Scope.national(),
        phase,
        "Tableau de bord national",
        {"comparison": area_table(rows, "region", _area_links(rows, "region", phase))},
    )


@_cached
def region(request, code: str):
    scope = Scope.region(code)
    area = scope.area()
    phase = phase_or_latest(request.GET.get("phase"))
    codes = set(Departement.objects.filter(region=area).values_list("code", flat=True))
    rows = [
        row for row in compare_areas(phase, "departement", _viewer(request)) if row["code"] in codes
    ]
    return _dashboard(
        request,
        scope,
        phase,
        f"Tableau de bord — {area.name}",
        {
            "area": area,
            "comparison": area_table(rows, "departement", _area_links(rows, "departement", phase)),
        },
    )


@_cached
def departement(request, code: str):
    scope = Scope.departement(code)
    area = scope.area()
    phase = phase_or_latest(request.GET.get("phase"))
    return _dashboard(
        request, scope, phase, f"Tableau de bord — {area.name} ({area.code})", {"area": area}
    )


@_cached
def territory(request, phase: str, ti_id: str):
    selected = Phase.objects.filter(code=phase).first()
    found = (
        Territory.objects.filter(phase=selected, ti_id=ti_id)
        .defer("geometry", "geometry_simplified")
        .first()
        if selected
        else None
    )
    if found is None:
        raise Http404("Territoire inconnu.")
    return _dashboard(
        request,
        Scope.territory(ti_id),
        selected,
        f"Tableau de bord — {found.name}",
        {"territory": found},
    )


@_cached
def departements(request):
    """The comparison of every département (sortable), for a phase."""
    phase = phase_or_latest(request.GET.get("phase"))
    rows = compare_areas(phase, "departement", _viewer(request))
    table = area_table(rows, "departement", _area_links(rows, "departement", phase))
    return _respond(
        request,
        "stats/comparison.html",
        {"title": "Comparaison des départements", "phase": phase},
        [table],
        f"comparaison-departements-{phase.code}",
    )
