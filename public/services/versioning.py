"""The version of the published data, and per-process caches keyed on it.

Every public page and API answer is a pure function of the data in the database: territories (phase
imports), validated plan publications, the service catalogue and its requests, the public contacts. The
data version is a short hash of the stamps of all of them (core/datastamp.py, registered in
public/apps.py), read in one query (measured there), so that every application server sees a change
made through any other at its next request. It keys ETags, URLs of long-cached files and the
in-process caches below (rebuilt lazily the first time they are asked for after a change).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from core.datastamp import data_stamp
from core.versioned import VersionedStore

T = TypeVar("T")

# A fixed few keys (the search index, the map's features, the look-up's phases...): no bound.
_cache = VersionedStore()


def data_version() -> str:
    """Every part of the published data (one small query)."""
    return data_stamp()


def territories_version() -> str:
    """The territories only (phase imports): the version of what is built from territories and
    reference geography alone (search index, map features, key figures: ~2 s for the search index,
    not to be redone for each accepted service request) and of the map's GeoJSON and the territories'
    CSV, whose URLs are cached by browsers for a year and must not change with an edit of a service."""
    return data_stamp("territories")


def cached(key: object, build: Callable[[], T], version: str | None = None) -> T:
    """``build()``, computed once per process and data version."""
    return _cache.get(key, version or data_version(), build)


def clear() -> None:
    """Forget every cached value (tests that change the data without re-importing)."""
    _cache.clear()
