from django.urls import path

from core.page_cache import cached_response

from . import legacy
from .v1 import api


def _public_answers_kept(patterns: list) -> list:
    """Every public operation of API v1 answers anonymous GETs from the response cache
    (core/page_cache.py): a hit costs one small query (the data version) and no ninja at all, where
    ninja's parsing, validation and serialisation alone put the cached endpoints at 2-4.6x the bare
    view at 32 connections (docs/performance.md). The writing operations (token) and the HTML docs
    are left alone."""
    for pattern in patterns:
        name = pattern.name or ""
        if name == "openapi-json":  # the code's schema: no data version to read
            pattern.callback = cached_response(pattern.callback, data=False)
        elif not name.startswith("write_") and name not in ("openapi-view", "api-root"):
            pattern.callback = cached_response(pattern.callback)
    return patterns


_v1_patterns, *_v1_names = api.urls  # (patterns, app name, namespace): no module-level app_name
urlpatterns = [
    path("v1/", (_public_answers_kept(_v1_patterns), *_v1_names)),
    *legacy.urlpatterns,
]
