"""Whole-page cache of the public pages, for anonymous visitors.

A public page is a pure function of the data, except for two things: the CSP nonce of each response
(``request.csp_nonce``) and the signed-in user's links. Pages are therefore rendered once per URL and
data version with a placeholder nonce, kept in memory (bounded, and for at most ``PAGE_CACHE_SECONDS``
so that content not covered by the key's versions shows up quickly), and served with the request's own
nonce. Signed-in users, non-GET requests and requests carrying flash messages are always rendered afresh.

The key's versions come from the apps (core knows none): each registers a function returning the
version of what its pages show (``register_version``), e.g. public the imported data, plans the
publications, offers the catalogue. A page of any app (the public site, the offers' catalogue) is cached
with ``@cached_page``.

The same store, keys and versions serve ``@cached_response``: answers that are a pure function of the
address and the data, with no nonce (the open API v1, api/urls.py). A hit skips the view entirely
(django-ninja's parameter parsing, the answer's validation and serialisation) and returns the bytes and
headers the view gave, byte for byte. Answers to other clients' conditions are kept apart: the key
holds whether the client accepts gzip (for answers that vary on it), and a conditional request
(If-None-Match) always reaches the view, which answers 304 itself.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpResponse

from core import datastamp

PAGE_CACHE_SECONDS = 60
MAX_PAGES = 500
# API answers have their own bounds (a map's clicks are as many addresses, which must not evict the
# pages): entries, and bytes (the territories' GeoJSON alone is ~1 MB).
MAX_RESPONSES = 2000
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
NONCE_PLACEHOLDER = "__ti_csp_nonce__"
# Kept answers: those of these types only (not the interactive docs' HTML, which carries a nonce).
RESPONSE_TYPES = ("application/json", "application/geo+json", "text/csv")

_pages: OrderedDict[tuple, tuple[float, bytes, str]] = OrderedDict()
_responses: OrderedDict[tuple, tuple[float, bytes, tuple]] = OrderedDict()
_response_bytes = 0
_lock = threading.Lock()
_versions: dict[str, Callable[[], object]] = {}
_kept_versions: tuple[float, tuple] | None = (
    None  # (when read, versions): PAGE_CACHE_VERSION_SECONDS
)


def register_version(name: str, version: Callable[[], object]) -> None:
    """Add ``version()`` to every page's key (registered in an AppConfig.ready(); once per name)."""
    _versions[name] = version


def versions() -> tuple:
    return tuple(version() for _, version in sorted(_versions.items()))


def _page_key_versions() -> tuple:
    """The versions of the pages' key, read again after ``PAGE_CACHE_VERSION_SECONDS`` (0: every time).

    Reading them is one database query: 1-3.5 ms on PostgreSQL with the former stamp (the catalogue
    page at 32 connections measured 3.3-4x the bare Django view's time with a read per request, 1.7-2x
    with the versions kept one second), 0.10-0.21 ms since the version table moved by triggers
    (core/datastamp.py), as much as a ``SELECT 1``: pages and kept API answers at ~1-2x the bare view
    with a read per request (docs/performance.md)."""
    global _kept_versions
    seconds = settings.PAGE_CACHE_VERSION_SECONDS
    if seconds <= 0:
        return versions()
    now = time.monotonic()
    kept = _kept_versions
    if kept is None or now - kept[0] >= seconds:
        kept = _kept_versions = (now, versions())
    return kept[1]


def clear() -> None:
    global _kept_versions, _response_bytes
    with _lock:
        _pages.clear()
        _responses.clear()
        _response_bytes = 0
        _kept_versions = None


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
        and hasattr(request, "csp_nonce")
    )


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        # A plan's validation, an accepted request, an import: each app's version is part of the key,
        # so the pages show the change at once rather than after PAGE_CACHE_SECONDS.
        key = (request.get_full_path(), *_page_key_versions())
        now = time.monotonic()
        with _lock:
            entry = _pages.get(key)
        if entry is None or now - entry[0] > PAGE_CACHE_SECONDS:
            nonce, request.csp_nonce = request.csp_nonce, NONCE_PLACEHOLDER
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.csp_nonce = nonce
            if response.status_code != 200 or response.streaming:
                return response
            entry = (now, response.content, response["Content-Type"])
            with _lock:
                _pages[key] = entry
                _pages.move_to_end(key)
                while len(_pages) > MAX_PAGES:
                    _pages.popitem(last=False)
        body = entry[1].replace(NONCE_PLACEHOLDER.encode(), request.csp_nonce.encode())
        return HttpResponse(body, content_type=entry[2])

    return wrapper


def identified(request) -> bool:
    """Whether the request speaks for someone: a token, or a signed-in session. Without a session
    cookie the visitor is anonymous: request.user is not even looked at (looking at it would read the
    session and add "Vary: Cookie" to the answer)."""
    return "HTTP_AUTHORIZATION" in request.META or (
        settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
    )


def _anonymous_get(request) -> bool:
    return (
        request.method == "GET"
        and "HTTP_IF_NONE_MATCH" not in request.META
        and not identified(request)
    )


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").split(";")[0] in RESPONSE_TYPES
        and response.get("Vary", "Accept-Encoding") == "Accept-Encoding"
        and len(response.content) <= MAX_RESPONSE_BYTES // 16
    )


def cached_response(view, *, data: bool = True):
    """``view``'s answers to anonymous GET requests, kept per address and data version (see above);
    ``data=False``: an answer that depends on the code only (a schema), kept per address alone."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        global _response_bytes
        if not _anonymous_get(request):
            return view(request, *args, **kwargs)
        gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        # One read of the data version for the key and for whatever the view consults on a miss
        # (its indexes' versions): an anonymous GET of the open API writes nothing.
        with datastamp.one_read():
            key = (request.get_full_path(), gzip, *(_page_key_versions() if data else ()))
            now = time.monotonic()
            with _lock:
                entry = _responses.get(key)
            if entry is not None and now - entry[0] <= PAGE_CACHE_SECONDS:
                return HttpResponse(entry[1], headers=dict(entry[2]))
            response = view(request, *args, **kwargs)
        if _storable(response):
            content = response.content
            with _lock:
                old = _responses.pop(key, None)
                _response_bytes -= len(old[1]) if old else 0
                _responses[key] = (now, content, tuple(response.items()))
                _response_bytes += len(content)
                while len(_responses) > MAX_RESPONSES or _response_bytes > MAX_RESPONSE_BYTES:
                    _response_bytes -= len(_responses.popitem(last=False)[1][1])
        return response

    return wrapper
