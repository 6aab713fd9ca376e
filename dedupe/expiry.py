"""Clusters that can no longer be joined leave the candidate index.

A copy published more than ``new_vacancy_days`` after its vacancy closed is a new vacancy
(:func:`dedupe.scoring.is_new_vacancy`), and records are assigned in publication order: once
the newest record assigned (the *horizon*) is that far past a cluster's last close, no later
record can join it, except one with the same board id as a representative (``compare``'s
``same_source_id``). Such a cluster keeps its ``sid`` blocks and drops the others, so the
blocks hold the clusters that can still be joined and ranking costs the same however much
history the store holds. A cluster that becomes joinable again (a posting reopened, a later
close) registers its representatives' blocks again.

Both candidate sources apply these rules at the same points of the record sequence (before
each dated record; revival at the change), so the in-memory engine and the store evict alike.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import datetime

from dedupe.blocking import BOARD_ID_KIND
from dedupe.vetoes import republication_gap


def past_rejoining(closed_at: datetime | None, horizon: datetime | None, days: float) -> bool:
    """Whether a record published at ``horizon`` is a new vacancy for a cluster closed at
    ``closed_at`` (the rule of :func:`dedupe.scoring.is_new_vacancy`; None: still open)."""
    gap = republication_gap(horizon, closed_at)
    return gap is not None and gap > days


def indexed_blocks(blocks: Iterable[str]) -> list[str]:
    """The blocks an evicted cluster drops: all but the board id's."""
    return [block for block in blocks if not block.startswith(BOARD_ID_KIND)]


def board_id_blocks(blocks: Iterable[str]) -> list[str]:
    """The blocks an evicted cluster keeps: a board's id still finds its cluster."""
    return [block for block in blocks if block.startswith(BOARD_ID_KIND)]


class ClosingQueue:
    """Closed clusters by last close; the horizon (newest publication assigned) only grows.

    Entries are pushed whenever a cluster is seen closed and checked when they fall due:
    the caller compares the cluster's current close with the entry's (a reopened or later
    closed cluster left a stale entry, and a fresh one when it closed again).
    """

    def __init__(self, horizon: datetime | None = None) -> None:
        self.horizon = horizon
        self.days = 0.0
        self._heap: list[tuple[datetime, str]] = []

    def push(self, cluster_id: str, closed_at: datetime | None) -> None:
        """Remember a cluster seen closed at ``closed_at`` (nothing while it is open)."""
        if closed_at is not None:
            heapq.heappush(self._heap, (closed_at, cluster_id))

    def advance(self, horizon: datetime | None, days: float) -> Iterator[tuple[datetime, str]]:
        """Move the horizon to ``horizon`` (never back; None: an undated record leaves it);
        yield the entries past rejoining."""
        if horizon is not None and (self.horizon is None or horizon > self.horizon):
            self.horizon = horizon
        self.days = days
        heap = self._heap
        while heap and past_rejoining(heap[0][0], self.horizon, days):
            yield heapq.heappop(heap)

    def dead(self, closed_at: datetime | None) -> bool:
        """Whether a cluster closed at ``closed_at`` can no longer be joined at the horizon."""
        return past_rejoining(closed_at, self.horizon, self.days)

    def __len__(self) -> int:
        return len(self._heap)
