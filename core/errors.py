"""The error pages: DSFR layout, in French, and nothing of the error itself (docs/security.md).

Wired in config/urls.py (handler400/403/404/500) and CSRF_FAILURE_VIEW. A database still locked by a
writer after the busy timeout answers 503 "réessayez dans quelques instants" rather than 500
(``DatabaseBusyMiddleware`` for views, ``server_error`` for the rest: sessions, middleware).
"""

from __future__ import annotations

import logging
import sys

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

PAGES = {
    400: ("400.html", "Requête incorrecte"),
    403: ("403.html", "Accès refusé"),
    "csrf": ("403_csrf.html", "Formulaire expiré"),
    404: ("404.html", "Page non trouvée"),
    500: ("500.html", "Erreur inattendue"),
    503: ("503.html", "Service momentanément indisponible"),
}

# When even the error template cannot be rendered (database gone, broken template): plain and French.
FALLBACK = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title} — Territoires '
    "d'industrie</title></head><body><main><h1>{title}</h1><p>Erreur {status}. Réessayez dans "
    'quelques instants.</p><p><a href="/">Page d\'accueil</a></p></main></body></html>'
)


# Under this prefix the clients are programs: errors answer JSON ``{"detail": "…"}`` in French, as the
# API's own errors (docs/api.md), never the HTML page.
API_PREFIX = "/api/"
API_MESSAGES = {
    400: "Requête incorrecte.",
    403: "Accès refusé.",
    404: "Adresse inconnue de l'API : voyez la liste de ses opérations dans sa documentation.",
    405: "Méthode {method} non acceptée à cette adresse (acceptées : {allowed}).",
    413: "Requête trop volumineuse.",
    500: "Erreur inattendue : réessayez dans quelques instants.",
}


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(request, status: int, allowed: str = "") -> JsonResponse:
    """The JSON error of the API for ``status`` (``allowed``: the methods a 405 names)."""
    message = API_MESSAGES.get(status, "Erreur {status}.")
    return JsonResponse(
        {"detail": message.format(method=request.method, allowed=allowed, status=status)},
        status=status,
    )


def is_database_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "database table is locked") once the busy timeout ran out."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def _page(request, key, *, minimal: bool = False) -> HttpResponse:
    template, title = PAGES[key]
    status = 403 if key == "csrf" else key
    if is_api(request):
        return api_error(request, status)
    try:
        response = render(
            request,
            template,
            {"title": title, "status": status, "minimal": minimal},
            status=status,
        )
    except Exception:  # the error page must not fail in turn
        logger.exception("Error page %s could not be rendered", status)
        response = HttpResponse(FALLBACK.format(title=title, status=status), status=status)
    return response


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def csrf_failure(request, reason=""):
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return _page(request, "csrf")


BUSY_MESSAGE = "La base de données est occupée : réessayez dans quelques instants."


def database_busy(request) -> HttpResponse:
    logger.warning("Database still locked after the busy timeout: 503 on %s", request.path)
    if is_api(request):
        response = JsonResponse({"detail": BUSY_MESSAGE}, status=503)
    else:
        response = _page(request, 503, minimal=True)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    # Called inside Django's `except` block: the exception is at hand.
    if is_database_busy(sys.exc_info()[1]):
        return database_busy(request)
    return _page(request, 500, minimal=True)
