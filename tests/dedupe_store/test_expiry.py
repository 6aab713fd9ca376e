"""Clusters past rejoining leave the store's blocks as they leave the memory index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select, update

from aggregator.crawl.expiry import touch_seen
from aggregator.dedupe_store.codec import block_hash
from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.dedupe_store.rebuild import rebuild
from aggregator.dedupe_store.tables import dedupe_blocks, dedupe_clusters
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import OfferPosting, PostingRow
from dedupe.blocking import board_id_block
from dedupe.engine import Deduper
from dedupe.memory import MemoryCandidateSource
from dedupe.records import DedupeRecord, canonical_order, posting_key
from dedupe.seasons import POSTING_LIFE, SEASON_SHIFT

from .conftest import NOW, clusters

Market = tuple[list[Posting], dict[str, str]]
CAP, LIMIT = 3, 4  # small: history would crowd the blocks without eviction
_rows = PostingRow.__table__


def _seasons(store: Store, postings: list[Posting], copies: int = 3) -> list[Posting]:
    """The market replayed as later years (a fifth of it on PostgreSQL), in publication order."""
    if store.dialect != "sqlite":
        postings = sorted(postings, key=lambda p: (p.source, p.source_offer_id))[::5]
    out = [
        p.model_copy(
            update={
                "source_offer_id": f"r{i}-{p.source_offer_id}",
                "url": f"{p.url}#r{i}",
                "posted_at": p.posted_at + SEASON_SHIFT * i if p.posted_at else None,
                "valid_through": None,
            }
        )
        for i in range(copies)
        for p in postings
    ]
    return sorted(out, key=lambda p: canonical_order(_record(p, None)))


def _record(p: Posting, closed_at: datetime | None) -> DedupeRecord:
    return DedupeRecord.from_posting(p, key=posting_key(p), closed_at=closed_at)


def _closes(p: Posting) -> datetime | None:
    return p.posted_at + POSTING_LIFE if p.posted_at else None


def _memory(postings: list[Posting]) -> dict[str, list[str]]:
    engine = Deduper(MemoryCandidateSource(block_cap=CAP), max_candidates=LIMIT)
    engine.add(_record(p, _closes(p)) for p in postings)
    return engine.clusters()


def _weeks(postings: list[Posting]) -> Iterator[list[Posting]]:
    """Batches of a week of publications at most, as a crawl's ticks bring them."""
    batch: list[Posting] = []
    for p in postings:
        assert p.posted_at is not None
        if batch and p.posted_at - (batch[0].posted_at or p.posted_at) > timedelta(days=7):
            yield batch
            batch = []
        batch.append(p)
    if batch:
        yield batch


def _close(conn: Connection, postings: list[Posting]) -> None:
    """Expiry as a crawl would do it: each posting closed at its own close date."""
    for p in postings:
        conn.execute(
            update(PostingRow)
            .where(PostingRow.source == p.source, PostingRow.source_offer_id == p.source_offer_id)
            .values(closed_at=_closes(p))
        )


def _evicted(conn: Connection) -> set[str]:
    c = dedupe_clusters.c
    return set(conn.scalars(select(c.cluster_id).where(c.evicted.is_(True))))


def _sorted(groups: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in groups.items()}


def test_incremental_with_expiry_equals_memory_and_rebuild(store: Store, market: Market) -> None:
    postings = _seasons(store, market[0])
    matcher = DedupeMatcher(block_cap=CAP, max_candidates=LIMIT)
    stored: list[Posting] = []
    for batch in _weeks(postings):
        start = batch[0].posted_at
        assert start is not None
        with store.engine.begin() as conn:
            due = [p for p in stored if (_closes(p) or start) < start]
            _close(conn, due)  # closes of the past, before the next batch is deduped
            stored = [p for p in stored if p not in due]
            store_postings(conn, batch, NOW, matcher=matcher)
        stored.extend(batch)
    expected = _memory(postings)
    with store.engine.connect() as conn:
        incremental = clusters(conn)
        evicted = _evicted(conn)
    assert _sorted(incremental) == _sorted(expected)
    assert evicted  # earlier seasons left the blocks
    with store.engine.begin() as conn:
        _close(conn, stored)
        rebuild(conn, NOW + timedelta(hours=1), matcher=matcher, batch_size=100)
        assert _sorted(clusters(conn)) == _sorted(expected)
        assert _evicted(conn) >= evicted  # the rebuild knows the last closes as well


def _closed_seasons(
    store: Store, market: Market, matcher: DedupeMatcher, batch_size: int
) -> list[Posting]:
    """Two seasons stored, every posting closed, then rebuilt: the clusters past rejoining."""
    postings = _seasons(store, market[0], copies=2)
    with store.engine.begin() as conn:
        store_postings(conn, postings, NOW, matcher=matcher)
        _close(conn, postings)
        rebuild(conn, NOW, matcher=matcher, batch_size=batch_size)
    return postings


def test_an_evicted_cluster_keeps_only_its_board_ids_blocks(store: Store, market: Market) -> None:
    _closed_seasons(store, market, DedupeMatcher(block_cap=CAP, max_candidates=LIMIT), 200)
    with store.engine.connect() as conn:
        evicted = _evicted(conn)
        held = clusters(conn)
        rows = conn.execute(select(dedupe_blocks.c.block, dedupe_blocks.c.cluster_id)).all()
    assert evicted and all(held[cid][0].split(":", 1)[1].startswith("r0-") for cid in evicted)
    board_ids = {
        (block_hash(board_id_block(*key.split(":", 1))), cid)
        for cid in evicted
        for key in held[cid]
    }
    assert {(b, c) for b, c in rows if c in evicted} <= board_ids
    assert any(c not in evicted for _, c in rows)


def _offer_of(conn: Connection, p: Posting) -> str:
    link = OfferPosting.__table__
    return conn.scalar(
        select(link.c.offer_id)
        .join(_rows, _rows.c.id == link.c.posting_id)
        .where(_rows.c.source == p.source, _rows.c.source_offer_id == p.source_offer_id)
    )


def _copy(p: Posting, oid: str, posted_at: datetime) -> Posting:
    """The same ad again under a new id of its board (a within-board re-post)."""
    return p.model_copy(
        update={"source_offer_id": oid, "url": f"{p.url}#{oid}", "posted_at": posted_at}
    )


def test_a_reopened_posting_brings_its_cluster_back(store: Store, market: Market) -> None:
    """Seen again by a crawl (upsert) or by its listing (touch_seen): joinable again."""
    matcher = DedupeMatcher()
    postings = _closed_seasons(store, market, matcher, 500)
    with store.engine.connect() as conn:
        evicted = _evicted(conn)
        held = clusters(conn)
    singles = [cid for cid in sorted(evicted) if len(held[cid]) == 1]
    by_key = {posting_key(p): p for p in postings}
    first, second = (by_key[held[cid][0]] for cid in singles[:2])
    latest = max(p.posted_at for p in postings if p.posted_at)
    with store.engine.begin() as conn:
        # the crawl's upsert sees ``first`` again; ``second``'s listing says it is back
        store_postings(conn, [first], NOW, matcher=matcher)
        touch_seen(conn, second.source, [second.source_offer_id], NOW)
        assert not {singles[0], singles[1]} & _evicted(conn)
        count = select(func.count()).select_from(dedupe_blocks)
        for cid in singles[:2]:
            assert conn.scalar(count.where(dedupe_blocks.c.cluster_id == cid)) > 1
    for original in (first, second):
        copy = _copy(original, f"again-{original.source_offer_id}", latest + timedelta(hours=1))
        with store.engine.begin() as conn:
            store_postings(conn, [copy], NOW, matcher=matcher)
            assert _offer_of(conn, copy) == _offer_of(conn, original)


def test_a_closed_cluster_is_not_found_by_a_later_repost(store: Store, market: Market) -> None:
    """The same re-post without the reopening founds its own offer (new vacancy)."""
    matcher = DedupeMatcher()
    postings = _closed_seasons(store, market, matcher, 500)
    with store.engine.connect() as conn:
        held = clusters(conn)
        cid = min(_evicted(conn))
    original = next(p for p in postings if posting_key(p) == held[cid][0])
    latest = max(p.posted_at for p in postings if p.posted_at)
    copy = _copy(original, "again-1", latest + timedelta(hours=1))
    with store.engine.begin() as conn:
        store_postings(conn, [copy], NOW, matcher=matcher)
        assert _offer_of(conn, copy) != _offer_of(conn, original)
