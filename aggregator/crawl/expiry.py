"""Safe expiry: closing postings that disappeared, and reopening those that came back.

A posting missing from a *complete, successful, unsuspicious* crawl of its source is closed;
a posting whose ``valid_through`` has passed is closed whatever the crawl. The offers behind
closed postings are refreshed (an offer stays open while any of its postings is open).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, select, update

from aggregator.dedupe_store.matcher import sync_members
from aggregator.store.models import PostingRow, table_of
from aggregator.store.offers import offers_of_postings, refresh_offers, touch_offers

_CHUNK = 500


def _close(conn: Connection, posting_ids: list[int], now: datetime) -> int:
    table = table_of(PostingRow)
    for start in range(0, len(posting_ids), _CHUNK):
        chunk = posting_ids[start : start + _CHUNK]
        conn.execute(update(table).where(table.c.id.in_(chunk)).values(closed_at=now))
    refresh_offers(conn, offers_of_postings(conn, posting_ids), now)
    return len(posting_ids)


def close_missing(conn: Connection, source: str, seen: Iterable[str], now: datetime) -> int:
    """Close the source's open postings that a complete crawl did not see; returns how many."""
    table = table_of(PostingRow)
    seen_ids = set(seen)
    open_rows = conn.execute(
        select(table.c.id, table.c.source_offer_id).where(
            table.c.source == source, table.c.closed_at.is_(None)
        )
    )
    missing = [row.id for row in open_rows if row.source_offer_id not in seen_ids]
    return _close(conn, missing, now)


def close_expired(conn: Connection, now: datetime, source: str | None = None) -> int:
    """Close open postings whose ``valid_through`` is in the past; returns how many."""
    table = table_of(PostingRow)
    condition = and_(table.c.closed_at.is_(None), table.c.valid_through < now)
    if source is not None:
        condition = and_(condition, table.c.source == source)
    expired = list(conn.scalars(select(table.c.id).where(condition)))
    return _close(conn, expired, now)


def touch_seen(conn: Connection, source: str, offer_ids: Iterable[str], now: datetime) -> int:
    """Mark postings seen without re-reading them (their listing said nothing changed).

    A posting closed because it had disappeared is reopened; one past its ``valid_through``
    stays closed.
    """
    table = table_of(PostingRow)
    ids = sorted(set(offer_ids))
    found: list[int] = []
    reopened: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(
            select(table.c.id, table.c.closed_at, table.c.valid_through).where(
                table.c.source == source, table.c.source_offer_id.in_(chunk)
            )
        )
        for row in rows:
            found.append(row.id)
            if row.closed_at is not None and (
                row.valid_through is None or row.valid_through >= now
            ):
                reopened.append(row.id)
    for start in range(0, len(found), _CHUNK):
        seen_chunk = found[start : start + _CHUNK]
        conn.execute(update(table).where(table.c.id.in_(seen_chunk)).values(last_seen_at=now))
    for start in range(0, len(reopened), _CHUNK):
        back_chunk = reopened[start : start + _CHUNK]
        conn.execute(update(table).where(table.c.id.in_(back_chunk)).values(closed_at=None))
    touch_offers(conn, found, now)
    if reopened:
        sync_members(conn, reopened)  # a cluster past rejoining registers its blocks again
        refresh_offers(conn, offers_of_postings(conn, reopened), now)
    return len(found)
