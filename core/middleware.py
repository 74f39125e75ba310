"""Content-Security-Policy with a per-request nonce for the scripts the templates include."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from django.conf import settings


def _tiles_origin(tiles_url: str) -> str | None:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` -> ``https://*.tile.example.org``."""
    if not tiles_url:
        return None
    parsed = urlparse(tiles_url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return None
    host = parsed.netloc.replace("{s}", "*")
    return f"{parsed.scheme}://{host}"


def build_policy(nonce: str) -> str:
    image_sources = ["'self'", "data:", "blob:"]
    tiles = _tiles_origin(getattr(settings, "MAP_TILES_URL", ""))
    if tiles:
        image_sources.append(tiles)
    directives = {
        "default-src": ["'self'"],
        # Scripts only from our origin, plus inline blocks carrying this response's nonce: never
        # 'unsafe-inline' nor 'unsafe-eval'.
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        # Leaflet and the DSFR set style attributes in markup; attributes cannot carry a nonce, and a
        # nonce in style-src would disable 'unsafe-inline', so styles get 'unsafe-inline' alone.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": image_sources,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sets ``request.csp_nonce`` (used by ``{% dsfr_js nonce=request.csp_nonce %}``) and the header."""

    header = "Content-Security-Policy"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if self.header not in response:
            response[self.header] = build_policy(request.csp_nonce)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=()"
        )
        return response


class DatabaseBusyMiddleware:
    """A view that finds the database still locked after the busy timeout answers 503, not 500.

    SQLite lets one writer at a time; a request waits up to the busy timeout (config/settings.py)
    for an import to commit. Past it, the person is told to try again (core/errors.py); errors raised
    outside views reach ``core.errors.server_error``, which answers the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from core.errors import database_busy, is_database_busy

        if is_database_busy(exception):
            return database_busy(request)
        return None


class ApiErrorsAsJsonMiddleware:
    """An error a view gives under the API's prefix in HTML or plain text becomes the API's JSON
    error (core/errors.py), status and ``Allow`` kept: django-ninja answers a method an address does
    not take with an English « Method not allowed » (walk of 2026-12-04). The error handlers (400,
    403, 404, 500) answer JSON there already."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        from core.errors import api_error, is_api

        if not is_api(request):
            return response
        converted = api_error(request, response.status_code, response.get("Allow", ""))
        if response.has_header("Allow"):
            converted["Allow"] = response["Allow"]
        return converted
