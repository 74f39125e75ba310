"""The public catalogue of the service offer: the list with its filters, and a service's page.

Public, read-only (GET), and cached whole per URL and data version (core/page_cache.py). What is left
per request once cached is the data version's query and the page's bytes: the page weighed 181 kB with
the 2,000 territories of the benchmark's programme, 160 of them the territory list, now a text field
with suggestions (36 kB; docs/performance.md, « Catalogue public »).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from core.page_cache import cached_page
from geo.models import Departement, Region
from offers import selectors
from offers.forms_catalogue import CatalogueFilters
from offers.models import Service
from territories.models import Territory

PER_PAGE = 20


def _crumbs(current: str, *links: tuple[str, str]) -> dict:
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


@cached_page
def catalogue(request):
    form = CatalogueFilters(request.GET or None)
    page = None
    if form.is_bound and not form.is_valid():
        services = None
    else:
        filters = form.cleaned_data if form.is_bound else {}
        services = selectors.catalogue(filters, form.territories, form.commune)
        # Sorted and cut on the ids alone, then the page's 20 rows read whole: sorting 2,000 full
        # rows (descriptions of ~1 kB) took SQLite ~45 ms, the ids alone ~5 ms.
        paginator = Paginator(services.values_list("pk", flat=True), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        rows = services.in_bulk(list(page.object_list))
        page.object_list = [rows[pk] for pk in page.object_list]
        page.pages_list = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        today = timezone.localdate()
        for service in page.object_list:
            service.availability = selectors.availability(service, today)
            service.axis_labels = selectors.axis_labels(service.axes)
    active = bool(request.GET) and any(
        value for key, value in request.GET.items() if key not in ("tri", "page")
    )
    return render(
        request,
        "offers/catalogue/list.html",
        {
            "title": "Offre de services",
            "meta_description": "Les services que les opérateurs (ANCT, Banque des Territoires, Bpifrance, "
            "ADEME…) proposent aux Territoires d'industrie : par axe, opérateur, type, demandeur et "
            "territoire.",
            "breadcrumb_data": _crumbs("Offre de services"),
            "form": form,
            "selects": [
                (form[name], form.options(name))
                for name in ("axe", "operateur", "type", "demandeur")
            ],
            "sort_options": form.options("tri"),
            "errors": [
                (form.fields[name].label if name in form.fields else "", messages[0])
                for name, messages in form.errors.items()
            ],
            "page": page,
            "active_filters": active,
            "territories": form.territories if form.is_bound else [],
            "commune": form.commune if form.is_bound else None,
        },
    )


@cached_page
def service_detail(request, slug):
    service = get_object_or_404(
        Service.objects.select_related("operator", "phase").prefetch_related(
            # The areas' outlines (large JSON) are not needed to name them.
            Prefetch("regions", Region.objects.defer("geometry")),
            Prefetch("departements", Departement.objects.defer("geometry")),
            Prefetch("territories", Territory.objects.defer("geometry", "geometry_simplified")),
        ),
        slug=slug,
    )
    mobilisations = selectors.public_mobilisations(
        selectors.mobilising_requests().filter(service=service)
    )
    return render(
        request,
        "offers/catalogue/detail.html",
        {
            "title": service.title,
            "meta_description": f"{service.title} ({service.operator.name}) : description, "
            "demandeurs, périmètre, dates, source et territoires qui le mobilisent.",
            "breadcrumb_data": _crumbs(
                service.title, (reverse("offers:catalogue"), "Offre de services")
            ),
            "service": service,
            "scope": selectors.scope_parts(service),
            "axes": selectors.axis_labels(service.axes),
            "applicants": selectors.applicant_labels(service.applicants),
            "availability": selectors.availability(service, timezone.localdate()),
            "mobilisations": mobilisations,
        },
    )
