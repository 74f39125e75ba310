from functools import wraps

from django.urls import path
from django.utils.cache import patch_cache_control

from core.page_cache import cached_response, identified

from . import legacy
from .v1 import api


def _private_when_identified(view):
    """An answer read with a token (or a session) is that person's: no browser or proxy keeps it
    (the interactive docs call the API from a browser; the walk of 2026-12-04 found no header)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if identified(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _public_answers_kept(patterns: list) -> list:
    """Every public operation of API v1 answers anonymous GETs from the response cache
    (core/page_cache.py): a hit costs one small query (the data version) and no ninja at all, where
    ninja's parsing, validation and serialisation alone put the cached endpoints at 2-4.6x the bare
    view at 32 connections (docs/performance.md). The writing operations (token) and the HTML docs
    are left alone. Every operation's answer to a token or a session is marked private."""
    for pattern in patterns:
        name = pattern.name or ""
        if name == "openapi-json":  # the code's schema: no data version to read
            pattern.callback = cached_response(pattern.callback, data=False)
        elif not name.startswith("write_") and name not in ("openapi-view", "api-root"):
            pattern.callback = cached_response(pattern.callback)
        pattern.callback = _private_when_identified(pattern.callback)
    return patterns


_v1_patterns, *_v1_names = api.urls  # (patterns, app name, namespace): no module-level app_name
urlpatterns = [
    path("v1/", (_public_answers_kept(_v1_patterns), *_v1_names)),
    *legacy.urlpatterns,
]
