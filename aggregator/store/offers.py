"""Consolidated offers: created from postings, refreshed from their best posting.

Dedupe decides which offer a posting joins (see :mod:`aggregator.pipeline`); this module only
keeps offer rows consistent with their postings: fields from the best posting, status open
while any posting is open, first/last seen over all postings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from aggregator.schema import POSTING_FIELDS
from aggregator.snapshots.history import record_offer_versions
from aggregator.store.models import OfferPosting, OfferRow, PostingRow, Source, table_of
from aggregator.store.search_index import search_columns
from dedupe.cluster import cluster_id_for

FIELD_GROUPS: tuple[tuple[str, ...], ...] = (
    ("salary_min", "salary_max", "salary_currency", "salary_period", "salary_raw"),
    ("city", "postal_code", "region", "country", "latitude", "longitude", "location_raw"),
    ("description", "description_html"),
)
_GROUPED = {f for group in FIELD_GROUPS for f in group}
_CHUNK = 500


def offer_id_for(source: str, source_offer_id: str) -> str:
    """Stable offer id: the dedupe cluster id of the founding posting's natural key."""
    return cluster_id_for(f"{source}:{source_offer_id}")


@dataclass(frozen=True, slots=True)
class Link:
    """A posting's place in an offer: which offer, by which rule, with what score."""

    offer_id: str
    rule: str
    score: float | None = None


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def link_postings(
    conn: Connection, links: dict[int, Link], now: datetime, *, fresh: bool = False
) -> None:
    """Attach postings to offers, replacing earlier links (``fresh``: postings had none)."""
    table = table_of(OfferPosting)
    ids = sorted(links)
    for chunk in () if fresh else _chunks(ids):
        conn.execute(table.delete().where(table.c.posting_id.in_(chunk)))
    if ids:
        conn.execute(
            insert(table),
            [
                {
                    "posting_id": pid,
                    "offer_id": links[pid].offer_id,
                    "rule": links[pid].rule,
                    "score": links[pid].score,
                    "linked_at": now,
                }
                for pid in ids
            ],
        )


def found_offers(conn: Connection, postings: Sequence[dict[str, Any]], now: datetime) -> None:
    """Make each posting (its column values, with ``id``) the founder of a new offer."""
    rows: list[dict[str, Any]] = []
    links: dict[int, Link] = {}
    for posting in postings:
        offer = _offer_values([posting])
        offer["updated_at"] = now
        offer.update(search_columns(offer, conn.dialect.name))
        rows.append(offer)
        links[posting["id"]] = Link(offer["offer_id"], "founder")
    if rows:
        conn.execute(insert(table_of(OfferRow)), rows)
        link_postings(conn, links, now, fresh=True)
        record_offer_versions(conn, [row["offer_id"] for row in rows], now)


def _rank_key(row: Any, priorities: dict[str, int]) -> tuple[Any, ...]:
    completeness = sum(row[f] is not None for f in POSTING_FIELDS)
    recency = row["changed_at"].timestamp()
    return (
        row["closed_at"] is None,
        priorities.get(row["source"], 0),
        completeness,
        recency,
        row["source"],
        row["source_offer_id"],
    )


def _offer_values(ranked: Sequence[Any], offer_id: str | None = None) -> dict[str, Any]:
    """Offer columns from postings ranked best first (field groups taken whole)."""
    best = ranked[0]
    values = {f: best[f] for f in POSTING_FIELDS if f not in _GROUPED}
    for group in FIELD_GROUPS:
        donor = next((r for r in ranked if r[group[0]] is not None), best)
        values.update({f: donor[f] for f in group})
    open_rows = [r for r in ranked if r["closed_at"] is None]
    values.update(
        offer_id=offer_id or offer_id_for(best["source"], best["source_offer_id"]),
        status="open" if open_rows else "closed",
        first_seen_at=min(r["first_seen_at"] for r in ranked),
        last_seen_at=max(r["last_seen_at"] for r in ranked),
        closed_at=None if open_rows else max(r["closed_at"] for r in ranked),
    )
    return values


def refresh_offers(conn: Connection, offer_ids: Iterable[str], now: datetime) -> int:
    """Recompute offers from their postings; an offer left with no posting is deleted."""
    posting, link, offers = table_of(PostingRow), table_of(OfferPosting), table_of(OfferRow)
    priorities = {key: prio for key, prio in conn.execute(select(Source.key, Source.priority))}
    ids = sorted(set(offer_ids))
    refreshed = 0
    for chunk in _chunks(ids):
        members: dict[str, list[Any]] = defaultdict(list)
        query = (
            select(posting, link.c.offer_id)
            .join(link, link.c.posting_id == posting.c.id)
            .where(link.c.offer_id.in_(chunk))
        )
        for row in conn.execute(query):
            members[row.offer_id].append(row._mapping)
        empty = [oid for oid in chunk if oid not in members]
        if empty:
            conn.execute(offers.delete().where(offers.c.offer_id.in_(empty)))
        updates = []
        for oid, rows in members.items():
            rows.sort(key=lambda r: _rank_key(r, priorities), reverse=True)
            values = _offer_values(rows, oid)
            values["b_offer_id"] = values.pop("offer_id")
            values["updated_at"] = now
            values.update(search_columns(values, conn.dialect.name))
            updates.append(values)
        if updates:
            conn.execute(
                update(offers).where(offers.c.offer_id == bindparam("b_offer_id")), updates
            )
        refreshed += len(updates)
    record_offer_versions(conn, ids, now)
    return refreshed


def offers_of_postings(conn: Connection, posting_ids: Sequence[int]) -> set[str]:
    """The offers the given postings belong to."""
    link = table_of(OfferPosting)
    owners: set[str] = set()
    for chunk in _chunks(list(posting_ids)):
        owners.update(conn.scalars(select(link.c.offer_id).where(link.c.posting_id.in_(chunk))))
    return owners


def touch_offers(conn: Connection, posting_ids: Sequence[int], now: datetime) -> None:
    """Move ``last_seen_at`` of the offers behind postings that were seen again unchanged."""
    link, offers = table_of(OfferPosting), table_of(OfferRow)
    for chunk in _chunks(list(posting_ids)):
        owners = select(link.c.offer_id).where(link.c.posting_id.in_(chunk))
        conn.execute(update(offers).where(offers.c.offer_id.in_(owners)).values(last_seen_at=now))
