"""Shared test tools: store postings tick by tick (with history), read snapshots back."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
from sqlalchemy import Connection, select, tuple_

from aggregator.crawl.expiry import close_missing
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.snapshots.arrow import arrow_type
from aggregator.snapshots.columns import MEMBER_FIELDS, OFFER_COLUMNS
from aggregator.snapshots.history import sync_history
from aggregator.store.database import Store
from aggregator.store.models import OfferPosting, OfferRow, PostingRow
from aggregator.store.offers import Link
from aggregator.store.postings import ensure_sources

TIMESTAMPS = {"posted_at", "valid_through", "first_seen_at", "last_seen_at", "closed_at"}


class SameTitleAndCompany:
    """A plain dedupe rule: a new posting joins the open offer with its exact title and company."""

    def match(self, conn: Connection, posting_ids: Sequence[int]) -> dict[int, Link]:
        posting, offers = PostingRow.__table__, OfferRow.__table__
        rows = conn.execute(
            select(posting.c.id, posting.c.title, posting.c.company).where(
                posting.c.id.in_(posting_ids)
            )
        ).all()
        keys = {(r.title, r.company) for r in rows if r.company}
        found = {
            (o.title, o.company): o.offer_id
            for o in conn.execute(
                select(offers.c.offer_id, offers.c.title, offers.c.company)
                .where(tuple_(offers.c.title, offers.c.company).in_(sorted(keys)))
                .where(offers.c.status == "open")
                .order_by(offers.c.offer_id)
            )
        }
        return {
            r.id: Link(found[(r.title, r.company)], "same_title_company", 0.97)
            for r in rows
            if (r.title, r.company) in found
        }

    def sync(self, conn: Connection, posting_ids: Sequence[int]) -> int:
        """This rule keeps nothing of its own about postings."""
        return 0


def tick(
    store: Store,
    now: datetime,
    postings: Iterable[dict[str, Any]],
    *,
    complete: Iterable[str] = (),
    matcher: SameTitleAndCompany | None = None,
) -> None:
    """One crawl at ``now``: store the postings; sources in ``complete`` close what is missing."""
    records = list(postings)
    complete = set(complete)
    with store.engine.begin() as conn:
        ensure_sources(conn, {r["source"] for r in records} | complete, now)
        if records:
            store_postings(conn, [Posting.model_validate(r) for r in records], now, matcher=matcher)
        for source in sorted(complete):
            seen = [r["source_offer_id"] for r in records if r["source"] == source]
            close_missing(conn, source, seen, now)
        sync_history(conn, now)


def store_offers(store: Store) -> list[dict[str, Any]]:
    """The live offers table, as snapshot rows."""
    table = OfferRow.__table__
    with store.engine.connect() as conn:
        rows = conn.execute(select(*(table.c[c] for c in OFFER_COLUMNS)).order_by(table.c.offer_id))
        return [dict(r._mapping) for r in rows]


def store_links(store: Store) -> list[dict[str, Any]]:
    """The live provenance, as snapshot posting rows."""
    posting, link = PostingRow.__table__, OfferPosting.__table__
    cols = [posting.c[f] for f in MEMBER_FIELDS[:6]]
    query = (
        select(link.c.offer_id, *cols, link.c.rule, link.c.score)
        .join(posting, posting.c.id == link.c.posting_id)
        .order_by(link.c.offer_id, posting.c.source, posting.c.source_offer_id)
    )
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _typed(name: str, value: Any, csv_cell: bool) -> Any:
    """A CSV cell or JSON value back to the Python value the store holds."""
    if value is None:
        return None
    if value == "" and csv_cell:  # CSV has no null: an empty cell is one (or an empty text)
        return value if name == "description" else None
    if name in TIMESTAMPS:
        return datetime.fromisoformat(value)
    if str(arrow_type(name)) == "double":
        return float(value)
    return value


def read_table(folder: Path, fmt: str, table: str) -> list[dict[str, Any]]:
    """A snapshot table read with the format's usual reader, as Python values."""
    path = folder / f"{table}.{fmt}"
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    if fmt == "jsonl":
        records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    else:
        csv.field_size_limit(10_000_000)
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
    return [{k: _typed(k, v, fmt == "csv") for k, v in r.items()} for r in records]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a snapshot folder, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
