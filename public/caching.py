"""Whole-page cache of the public pages, for anonymous visitors.

A public page is a pure function of the imported data, except for two things: the CSP nonce of each
response (``request.csp_nonce``) and the signed-in user's links. Pages are therefore rendered once per
URL and data version with a placeholder nonce, kept in memory (bounded, and for at most
``PAGE_CACHE_SECONDS`` so that content not covered by the data version shows up quickly; the key
holds the data version, so an import, a validation or an edit of a service shows at once), and served
with the request's own nonce. Signed-in users, non-GET requests and requests carrying flash messages
are always rendered afresh.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import wraps

from django.http import HttpResponse

from .services.versioning import data_version

PAGE_CACHE_SECONDS = 60
MAX_PAGES = 500
NONCE_PLACEHOLDER = "__ti_csp_nonce__"

_pages: OrderedDict[tuple, tuple[float, bytes, str]] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _pages.clear()


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
        # The data version covers territories, validated plans, the catalogue and its requests and
        # the public contacts (core/datastamp.py): a change through any server shows at once.
        key = (request.get_full_path(), data_version())
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
