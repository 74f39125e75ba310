"""Values kept in a process while the data they are built from has not changed: the one in-process cache
of the apps' computed values (search index, map features, figures, a territory page's content).

Each value is kept with the data version it was built under (``core.datastamp``: read from the database,
so every application server agrees without messages) and built again the first time it is asked for
under another version. A store is bounded by its number of entries when its keys are many (a value per
territory or per filter), unbounded when they are a fixed few (``max_entries`` None). Whole pages and API
answers have their own store, bounded in bytes and time as well (core/page_cache.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class VersionedStore:
    """``get(key, version, build)``: ``build()``, or the value kept for ``key`` under ``version``."""

    def __init__(self, max_entries: int | None = None):
        self.max_entries = max_entries
        self._entries: OrderedDict[object, tuple[str, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object, version: str, build: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]  # type: ignore[return-value]
        value = build()  # outside the lock: two threads may build the same value, none waits
        with self._lock:
            self._entries[key] = (version, value)
            if self.max_entries is not None:
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
