"""The storing half of the pipeline: postings in, consolidated offers kept consistent.

Every path that stores postings (crawl, ``aggregator load``, ``aggregator renormalize``) calls
:func:`store_postings` inside its own transaction, one batch at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection

from aggregator.schema import Posting
from aggregator.store.offers import (
    Link,
    found_offers,
    link_postings,
    offers_of_postings,
    refresh_offers,
    touch_offers,
)
from aggregator.store.postings import UpsertResult, upsert_postings


class Matcher(Protocol):
    """The dedupe stage: decides which existing offer, if any, each new or changed posting joins."""

    def match(self, conn: Connection, posting_ids: Sequence[int]) -> dict[int, Link]:
        """Links for the postings that belong to an existing offer; others found new offers."""
        ...

    def sync(self, conn: Connection, posting_ids: Sequence[int]) -> int:
        """Refresh what dedupe keeps of postings whose content changed or that reopened."""
        ...

    def prepare(self, postings: Sequence[Posting]) -> None:
        """Postings a coming batch will store: work on them may start now (or not at all)."""
        ...

    def close(self) -> None:
        """Release what :meth:`prepare` started."""
        ...


@contextmanager
def _stage(timings: MutableMapping[str, float] | None, name: str) -> Iterator[None]:
    """Add the CPU time of a block to ``timings[name]`` (benchmarks ask; others pass None)."""
    if timings is None:
        yield
        return
    start = time.process_time()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.process_time() - start


def store_postings(
    conn: Connection,
    postings: Sequence[Posting],
    now: datetime,
    *,
    matcher: Matcher | None = None,
    raw_payload_ids: Sequence[int | None] | None = None,
    listing_markers: Sequence[str | None] | None = None,
    timings: MutableMapping[str, float] | None = None,
) -> UpsertResult:
    """Upsert a batch of postings and bring their consolidated offers up to date.

    ``timings`` (optional) accumulates CPU seconds per stage: upsert, dedupe, offers, links.
    """
    with _stage(timings, "upsert"):
        result = upsert_postings(
            conn, postings, now, raw_payload_ids=raw_payload_ids, listing_markers=listing_markers
        )
    with _stage(timings, "dedupe"):
        # a reopened posting's cluster may have left dedupe's blocks: it registers them again
        resynced = list(dict.fromkeys(result.updated_ids + result.reopened_ids))
        if matcher is not None and resynced:
            matcher.sync(conn, resynced)
        links = matcher.match(conn, result.new_ids) if matcher and result.new_ids else {}
    with _stage(timings, "offers"):
        found_offers(conn, [row for pid, row in result.new_rows.items() if pid not in links], now)
    with _stage(timings, "links"):
        link_postings(conn, links, now)
    with _stage(timings, "offers"):
        changed = result.updated_ids + result.reopened_ids + result.closed_ids
        stale = offers_of_postings(conn, changed)
        stale.update(link.offer_id for link in links.values())
        refresh_offers(conn, stale, now)
        touch_offers(conn, result.unchanged_ids, now)
    return result
