"""The version of the published data, and per-process caches keyed on it.

Every public page and API answer is a pure function of the imported data. An import stamps its phase
with ``imported_at``; the tuple of those stamps is therefore a version that changes on every import,
used for ETags, URLs of long-cached files and the in-process caches below (which are rebuilt lazily
the first time they are asked for after an import).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

from territories.models import Phase

T = TypeVar("T")

_cache: dict[object, tuple[str, object]] = {}
_lock = threading.Lock()


def data_version() -> str:
    """A short hash of every phase's code and import time (one small query)."""
    stamps = Phase.objects.order_by("number").values_list("code", "imported_at")
    text = "|".join(f"{code}@{stamp.isoformat() if stamp else '-'}" for code, stamp in stamps)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached(key: object, build: Callable[[], T], version: str | None = None) -> T:
    """``build()``, computed once per process and data version."""
    version = version or data_version()
    entry = _cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]  # type: ignore[return-value]
    value = build()
    with _lock:
        _cache[key] = (version, value)
    return value


def clear() -> None:
    """Forget every cached value (tests that change the data without re-importing)."""
    with _lock:
        _cache.clear()
