"""The public addresses of the API before v1 (``/api/recherche``, ``/api/territoires.geojson``…):
kept for one release as permanent redirects to their /api/v1/ address, query string included.

GET and HEAD answer 301; other methods 308, which keeps the method and body. ``/api/compte/`` is
not public data and stays where it is (config/urls.py).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.http import HttpResponsePermanentRedirect
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

PREFIX = "/api/v1/"


class HttpResponsePermanentRedirectKeepMethod(HttpResponsePermanentRedirect):
    status_code = 308


def _redirect(request, target: str, query: str):
    location = PREFIX + quote(target, safe="/.") + (f"?{query}" if query else "")
    keeps_method = request.method not in ("GET", "HEAD")
    response = (
        HttpResponsePermanentRedirectKeepMethod if keeps_method else HttpResponsePermanentRedirect
    )(location)
    response["Deprecation"] = "true"
    response["Link"] = f'<{location}>; rel="successor-version"'
    return response


@csrf_exempt
def moved(request, path: str):
    """The same path under /api/v1/."""
    return _redirect(request, path, request.META.get("QUERY_STRING", ""))


@csrf_exempt
def commune_moved(request, code: str):
    """``/api/communes/<code>`` became ``/api/v1/lookup?commune=<code>`` (the same JSON, plus ``url``)."""
    query = urlencode({"commune": code, **request.GET.dict()}, quote_via=quote)
    return _redirect(request, "lookup", query)


urlpatterns = [
    re_path(
        r"^(?P<path>recherche|territoires\.geojson|territoires\.csv|point|openapi\.json"
        r"|contours/[^/]+\.geojson|territoires/[^/]+/[^/]+/carte\.geojson)$",
        moved,
        name="api_legacy_moved",
    ),
    re_path(r"^communes/(?P<code>[^/]+)$", commune_moved, name="api_legacy_commune"),
]
