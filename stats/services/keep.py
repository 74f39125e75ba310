"""Figures kept in the process until the data they are computed from change (core/datastamp.py).

The stamp moves with every write the public can see (a publication, a territories import, a service
request's change...), read in one small query, so every application server agrees without messages.
Only public figures are kept (the same for every reader); a figure of a signed-in reader is computed
afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from core.datastamp import data_stamp
from core.versioned import VersionedStore

T = TypeVar("T")
MAX_KEPT = 512  # entries per process, each a few thousand rows at most

_kept = VersionedStore(MAX_KEPT)


def clear() -> None:
    _kept.clear()


def kept(key: tuple, parts: tuple[str, ...], build: Callable[[], T]) -> T:
    """``build()``, or its value kept for ``key`` while the stamp of ``parts`` has not moved."""
    try:
        stamp = data_stamp(*parts)
    except KeyError:  # parts registered by the public app: without it, nothing is kept
        return build()
    return _kept.get(key, stamp, build)
