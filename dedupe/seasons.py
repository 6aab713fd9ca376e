"""A market replayed as later seasons: how a store that grows over years looks to dedupe.

Benchmarks grow the sandbox's one month of market to a million postings this way, and tests
check that history does not weigh on the engine. Each season is a later year with its own
ids, and every posting closes within its season, so a later season's copy of an ad is a new
vacancy (re-published long after the close), as in a store with expiry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import timedelta

from dedupe.records import DedupeRecord

SEASON_SHIFT = timedelta(days=365)  # each replica of the market is a later year
POSTING_LIFE = timedelta(days=45)  # ... whose postings close before the next season opens


def replicated(records: Iterable[DedupeRecord], copies: int) -> Iterator[DedupeRecord]:
    """The market replayed ``copies`` times, each a later season with its own ids.

    A posting without a close date closes ``POSTING_LIFE`` after its publication.
    """
    pool = list(records)
    for i in range(copies):
        shift = SEASON_SHIFT * i
        for r in pool:
            posted = r.posted_at + shift if r.posted_at else None
            closed = r.closed_at + shift if r.closed_at else None
            yield replace(
                r,
                key=f"r{i}/{r.key}",
                source_offer_id=f"r{i}-{r.source_offer_id}",
                url=f"{r.url}{'&' if '?' in r.url else '?'}season={i}",  # kept by url_key
                posted_at=posted,
                closed_at=closed or (posted + POSTING_LIFE if posted else None),
            )
