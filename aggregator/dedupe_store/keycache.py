"""A process-wide cache of representatives: their keys cost more to compute than to compare."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import datetime

from dedupe.cluster import Representative


class KeysCache:
    """Representatives by (posting id, content hash), least recently used dropped first.

    Shared by the sources a long-lived matcher makes; the close date is not part of the
    content hash, so callers put the live one back (:meth:`get`).
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str], Representative] = OrderedDict()

    def get(
        self, posting_id: int, content_hash: str, closed_at: datetime | None
    ) -> Representative | None:
        found = self._items.get((posting_id, content_hash))
        if found is None:
            return None
        self._items.move_to_end((posting_id, content_hash))
        if found.record.closed_at != closed_at:
            found = Representative(replace(found.record, closed_at=closed_at), found.keys)
            self._items[(posting_id, content_hash)] = found
        return found

    def put(self, posting_id: int, content_hash: str, rep: Representative) -> None:
        self._items[(posting_id, content_hash)] = rep
        self._items.move_to_end((posting_id, content_hash))
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
