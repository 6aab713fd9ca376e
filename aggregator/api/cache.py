"""Per-process caches that are never stale: each entry remembers the store's data version.

The portal's landing-page questions (facets, the source list, popular searches) repeat; each
uvicorn worker keeps their answers for at most ``ttl`` seconds, and only while the store's
committed data has not changed since the answer was computed (:class:`DataVersion`, checked on
every read). No cross-process state.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import Engine

# SQLite: changes whenever another connection (any process) commits; PostgreSQL: the set of
# committed transactions a new statement would see, the same snapshot means the same data
_VERSION_SQL = {
    "sqlite": "PRAGMA data_version",
    "postgresql": "SELECT pg_current_snapshot()::text",
}


class DataVersion:
    """A token that changes whenever committed data in the store changes.

    Read on one dedicated connection (SQLite's ``data_version`` is only comparable on the same
    connection), a few microseconds on SQLite, one round trip on PostgreSQL (autocommit, so the
    connection never holds a snapshot open). None when it cannot be read: callers then do not
    cache.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sql = _VERSION_SQL.get(engine.dialect.name)
        self._raw: Any = None
        self._lock = threading.Lock()

    def current(self) -> Hashable | None:
        """The version now, or None (unknown backend, store unreachable)."""
        if self._sql is None:
            return None
        with self._lock:
            try:
                if self._raw is None:
                    self._raw = self._engine.raw_connection()
                    if self._engine.dialect.name == "postgresql":
                        self._raw.driver_connection.autocommit = True
                cursor = self._raw.cursor()
                try:
                    cursor.execute(self._sql)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except Exception:
                self._drop()
                return None
        return row[0] if row else None

    def _drop(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None:
            with contextlib.suppress(Exception):  # a broken connection is thrown away anyway
                raw.invalidate()

    def close(self) -> None:
        """Give the dedicated connection back (app shutdown)."""
        with self._lock:
            raw, self._raw = self._raw, None
        if raw is not None:
            raw.close()


class TtlCache:
    """Least-recently-used entries, each valid for ``ttl`` seconds and one data version."""

    def __init__(self, ttl: float, size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._entries: OrderedDict[Hashable, tuple[float, Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable | None) -> Any | None:
        """The value stored for ``key`` at ``version`` and not expired, else None."""
        if version is None or self.ttl <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic() or entry[1] != version:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def put(self, key: Hashable, version: Hashable | None, value: Any) -> None:
        """Remember ``value`` as computed at ``version`` (nothing when caching is off)."""
        if version is None or self.ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl, version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_compute(
        self, key: Hashable, compute: Callable[[], Any], version: Hashable | None
    ) -> Any:
        """The cached value of ``key`` at ``version``, or ``compute()`` stored for next time.

        ``version`` must be read before computing: a write committed meanwhile then makes the
        entry miss next time, never serve older data than the store holds.
        """
        found = self.get(key, version)
        if found is not None:
            return found
        value = compute()
        self.put(key, version, value)
        return value
