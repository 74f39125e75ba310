"""Pages of the public site. Thin: the data comes from public.services and territories.services."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from contacts.selectors import public_contacts
from geo.models import Commune, Departement, Groupement, Region
from offers import selectors as offers_selectors
from stats.services.keep import kept
from territories.models import Phase
from territories.services import lookup

from .caching import cached_page
from .services import areas, mapdata, queries, territory_page
from .services import search as search_service
from .services.versioning import territories_version

AXES = [
    (
        "Transition écologique et énergétique",
        "Décarboner l'industrie, économiser les ressources, développer l'économie circulaire.",
    ),
    (
        "Innovation",
        "Accompagner les projets d'innovation des entreprises et leurs liens avec la recherche.",
    ),
    (
        "Compétences",
        "Recruter et former : attirer les talents, adapter les formations aux besoins des entreprises.",
    ),
    (
        "Foncier",
        "Mobiliser du foncier industriel : friches, sites clés en main, sobriété foncière.",
    ),
]


def _crumbs(current: str, *links: tuple[str, str]) -> dict:
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


def _map_urls(phase: Phase, filters: dict | None = None) -> dict:
    """What the map scripts fetch; the data version in the URL lets browsers cache the GeoJSON for a year."""
    version = territories_version()
    query = "&".join(
        f"{k}={v}" for k, v in {"phase": phase.code, **(filters or {}), "v": version}.items()
    )
    return {
        "geojson": f"{reverse('api:territories_geojson')}?{query}",
        "outlines_departements": f"{reverse('api:outlines', args=['departements'])}?v={version}",
        "outlines_regions": f"{reverse('api:outlines', args=['regions'])}?v={version}",
        "point": reverse("api:point"),
        "tiles": settings.MAP_TILES_URL,
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
    }


def _latest_phase() -> Phase:
    phase = Phase.objects.order_by("-number").first()
    if phase is None:
        raise Http404("Aucune phase n'est encore importée.")
    return phase


@cached_page
def home(request):
    phase = _latest_phase()
    return render(
        request,
        "public/home.html",
        {
            "title": "Accueil",
            "meta_description": "Territoires d'industrie : le programme, ses territoires dans chaque phase, la carte et la "
            "recherche de votre commune.",
            "figures": areas.home_figures(),
            "comparisons": areas.phase_comparisons(),
            "axes": AXES,
            "phase": phase,
            "map_urls": _map_urls(phase),
            "statuses": mapdata.MAP_STATUSES,
        },
    )


@cached_page
def search(request):
    query = request.GET.get("q", "").strip()
    results = search_service.search(query, limit=30) if query else []
    return render(
        request,
        "public/search.html",
        {
            "title": f"Recherche « {query} »"
            if query
            else "Ma commune est-elle dans un Territoire d'industrie ?",
            "meta_description": "Cherchez une commune, une intercommunalité, un département, une région ou un territoire.",
            "breadcrumb_data": _crumbs("Recherche"),
            "query": query,
            "results": results,
            "too_short": bool(query)
            and not results
            and len(query) < search_service.MIN_QUERY_LENGTH,
        },
    )


@cached_page
def map_page(request):
    phases = list(Phase.objects.order_by("-number"))
    if not phases:
        raise Http404("Aucune phase n'est encore importée.")
    phase = next((p for p in phases if p.code == request.GET.get("phase")), phases[0])
    error = None
    try:
        filters = mapdata.MapFilters.from_params(request.GET)
    except mapdata.FilterError as problem:
        error, filters = str(problem), mapdata.MapFilters()
    colour = "region" if request.GET.get("couleur") == "region" else "statut"
    features = mapdata.filtered_features(phase, filters)
    return render(
        request,
        "public/map.html",
        {
            "title": f"Carte des territoires {phase.code}",
            "meta_description": f"Carte des Territoires d'industrie de la phase {phase.code}, par statut ou par région, "
            "avec téléchargement en GeoJSON et CSV.",
            "breadcrumb_data": _crumbs("Carte"),
            "phases": phases,
            "phase": phase,
            "filters": filters,
            "filter_error": error,
            "colour": colour,
            "regions": queries.regions()
            .filter(territories__phase=phase)
            .distinct()
            .order_by("name"),
            "departements": queries.departements()
            .filter(territories__phase=phase)
            .distinct()
            .order_by("code"),
            "statuses": mapdata.MAP_STATUSES,
            "comparisons": [c for c in areas.phase_comparisons() if c.phase == phase],
            "territories": sorted((f["properties"] for f in features), key=lambda p: p["nom"]),
            "map_urls": _map_urls(phase),
            "download_query": "&".join(
                f"{k}={v}" for k, v in {"phase": phase.code, **filters.as_params()}.items()
            ),
        },
    )


def _territory_page(phase: str, ti_id: str) -> dict:
    """Everything a territory's page shows, its content rendered: the same for every reader."""
    item = get_object_or_404(queries.territories_with_areas(), phase_id=phase, ti_id=ti_id)
    region = item.principal_region
    context = {
        "territory": item,
        "evolution": territory_page.evolution(item),
        "successors": territory_page.successors(item),
        "members": territory_page.members(item),
        "communes": territory_page.communes(item),
        "departements": item.departements.defer("geometry").order_by("code"),
        "regions": item.regions.defer("geometry").order_by("name"),
        "plan": territory_page.plan_summary(item),
        "services": offers_selectors.territory_services(item),
        "map_url": reverse("api:territory_map", args=[item.phase_id, item.ti_id])
        + f"?v={territories_version()}",
        "tiles": settings.MAP_TILES_URL,
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        **public_contacts(item),
    }
    return {
        "title": f"{item.name} ({item.phase_id})",
        "meta_description": f"{item.name}, Territoire d'industrie de la phase {item.phase_id} : intercommunalités, "
        f"communes, évolution depuis la phase précédente, plan d'action et contacts.",
        "breadcrumb_data": _crumbs(
            item.name,
            *([(reverse("public:region", args=[region.code]), region.name)] if region else []),
        ),
        # Rendered without the request: nothing in it depends on the reader (see the template); the
        # template engine escaped every variable in it.
        "content": mark_safe(render_to_string("public/includes/territory_content.html", context)),
    }


@cached_page
def territory(request, phase, ti_id):
    """Signed-in readers get the whole page afresh (core/page_cache.py caches it for anonymous
    visitors only), but its content is theirs as much as anyone's: it is kept by data version
    (stats/services/keep.py, every part of the data stamp, which covers all it shows: territories,
    publications, actions, offers and contacts; none of it depends on the day). Measured on the
    programme 10x today's size (docs/performance.md, scale_bench.py): 21 queries and 28 ms before,
    5 queries and ~5 ms after."""
    page = kept(("public.territory", phase, ti_id), (), lambda: _territory_page(phase, ti_id))
    return render(request, "public/territory.html", page)


def _area_page(request, area, kind: str, breadcrumb: dict):
    groups = areas.territories_by_phase(area)
    latest = groups[0].phase if groups else _latest_phase()
    return render(
        request,
        "public/area.html",
        {
            "title": f"{area.name}" + (f" ({area.code})" if kind == "departement" else ""),
            "meta_description": f"Les Territoires d'industrie de {'la région' if kind == 'region' else 'du département'} "
            f"{area.name}, par phase.",
            "breadcrumb_data": breadcrumb,
            "area": area,
            "kind": kind,
            "groups": groups,
            "outline": mapdata.area_outline(area),
            "map_urls": _map_urls(latest, {kind: area.code}),
            **public_contacts(area),
        },
    )


@cached_page
def region(request, code):
    area = get_object_or_404(Region, code=code)
    return _area_page(request, area, "region", _crumbs(area.name))


@cached_page
def departement(request, code):
    area = get_object_or_404(
        Departement.objects.select_related("region").defer("region__geometry"), code=code.upper()
    )
    crumbs = _crumbs(
        f"{area.name} ({area.code})",
        (reverse("public:region", args=[area.region_id]), area.region.name),
    )
    return _area_page(request, area, "departement", crumbs)


@cached_page
def commune(request, code):
    item = (
        Commune.objects.select_related("departement", "region", "epci", "ept")
        .filter(code=code.upper())
        .first()
    )
    if item is None:
        former = lookup.former_commune(code)  # a merged commune's code, as in the ANCT files
        if former is None:
            raise Http404("Aucune commune n'a ce code INSEE.")
        return redirect("public:commune", former[0], permanent=True)
    return render(
        request,
        "public/commune.html",
        {
            "title": f"{item.name} ({item.code})",
            "meta_description": f"{item.name} est-elle dans un Territoire d'industrie ? Territoires de la commune par phase et contacts.",
            "breadcrumb_data": _crumbs(
                item.name,
                (
                    reverse("public:departement", args=[item.departement_id]),
                    f"{item.departement.name} ({item.departement_id})",
                ),
            ),
            "commune": item,
            "memberships": areas.commune_memberships(item),
            **public_contacts(item),
            "services": offers_selectors.commune_services(item),
        },
    )


@cached_page
def groupement(request, siren):
    item = get_object_or_404(Groupement, siren=siren)
    return render(
        request,
        "public/groupement.html",
        {
            "title": item.name,
            "meta_description": f"{item.name} : ses Territoires d'industrie par phase et ses communes.",
            "breadcrumb_data": _crumbs(item.name),
            "groupement": item,
            "memberships": areas.groupement_memberships(item),
            "communes": (item.ept_communes if item.is_ept else item.communes).order_by("name"),
        },
    )


@cached_page
def site_plan(request):
    return render(
        request,
        "public/site_plan.html",
        {
            "title": "Plan du site",
            "meta_description": "Toutes les pages de la plateforme Territoires d'industrie.",
            "breadcrumb_data": _crumbs("Plan du site"),
            "phases": Phase.objects.order_by("-number").prefetch_related(
                Prefetch("territories", queries.territories().order_by("name"))
            ),
            "regions": queries.regions()
            .filter(territories__isnull=False)
            .distinct()
            .order_by("name"),
            "departements": queries.departements()
            .filter(territories__isnull=False)
            .distinct()
            .order_by("code"),
        },
    )


@cached_page
def accessibility(request):
    return render(
        request,
        "public/accessibility.html",
        {
            "title": "Accessibilité",
            "meta_description": "Déclaration d'accessibilité de la plateforme Territoires d'industrie.",
            "breadcrumb_data": _crumbs("Accessibilité"),
        },
    )
