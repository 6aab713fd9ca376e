"""The matcher in the write path, and rebuild, on SQLite and PostgreSQL, on the sandbox market."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, func, select, update

from aggregator.dedupe_store import rebuild as rebuild_module
from aggregator.dedupe_store.matcher import DedupeMatcher, sync_members
from aggregator.dedupe_store.rebuild import rebuild
from aggregator.dedupe_store.source import SqlCandidateSource
from aggregator.dedupe_store.tables import dedupe_blocks, dedupe_members
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import OfferPosting, PostingRow
from dedupe.engine import Deduper
from dedupe.memory import MemoryCandidateSource
from dedupe.records import DedupeRecord, canonical_order, posting_key

from .conftest import NOW, clusters, offer_partition, partition, store_in_batches

Market = tuple[list[Posting], dict[str, str]]


def _sample(store: Store, postings: list[Posting]) -> list[Posting]:
    """All postings on SQLite; a tenth on PostgreSQL (each statement is a round trip there)."""
    if store.dialect == "sqlite":
        return postings
    return sorted(postings, key=lambda p: (p.source, p.source_offer_id))[::10]


def _memory_clusters(postings: list[Posting]) -> dict[str, list[str]]:
    engine = Deduper()
    engine.add(DedupeRecord.from_posting(p, key=posting_key(p)) for p in postings)
    return engine.clusters()


def _canonical(postings: list[Posting]) -> list[Posting]:
    return sorted(
        postings, key=lambda p: canonical_order(DedupeRecord.from_posting(p, key=posting_key(p)))
    )


def test_incremental_in_publication_order_equals_memory_and_rebuild(
    store: Store, market: Market
) -> None:
    postings = _sample(store, market[0])
    store_in_batches(store, _canonical(postings), DedupeMatcher())
    expected = _memory_clusters(postings)
    with store.engine.connect() as conn:
        incremental = clusters(conn)
        offers = offer_partition(conn)
    assert {k: sorted(v) for k, v in incremental.items()} == {
        k: sorted(v) for k, v in expected.items()
    }
    assert partition(offers) == partition(incremental)  # one offer per cluster, same postings
    assert any(len(keys) > 1 for keys in offers.values())
    with store.engine.begin() as conn:
        report = rebuild(conn, NOW + timedelta(hours=1), batch_size=100)
        assert clusters(conn) == incremental
    assert (report.relinked, report.created, report.merged, report.split) == (0, 0, 0, 0)
    assert report.offers_before == report.offers_after == len(incremental)


def test_rebuild_reaches_the_one_batch_clusters_from_any_arrival_order(
    store: Store, market: Market
) -> None:
    _rebuild_from_any_arrival_order(store, market)


def test_rebuild_founds_offers_a_chunk_at_a_time_with_the_same_result(
    store: Store, market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rebuild_module, "FOUND_CHUNK", 7)  # many chunks on a small market
    _rebuild_from_any_arrival_order(store, market)


def _rebuild_from_any_arrival_order(store: Store, market: Market) -> None:
    """Rebuild a store filled by source order: the one-batch clusters, offer ids kept."""
    postings = _sample(store, market[0])
    by_source = sorted(postings, key=lambda p: (p.source, p.source_offer_id), reverse=True)
    store_in_batches(store, by_source, DedupeMatcher(), size=400)
    with store.engine.connect() as conn:
        before = offer_partition(conn)
        founders_before = _founders(conn)
    with store.engine.begin() as conn:
        report = rebuild(conn, NOW + timedelta(hours=1))
        rebuilt = clusters(conn)
        offers = offer_partition(conn)
        founders_after = _founders(conn)
    expected = _memory_clusters(postings)
    assert {k: sorted(v) for k, v in rebuilt.items()} == {k: sorted(v) for k, v in expected.items()}
    assert partition(offers) == partition(rebuilt)
    assert report.offers_before == len(before) and report.offers_after == len(rebuilt)
    # an offer whose founder is still a founder keeps its id; every offer is its founder's
    assert set(founders_after.values()) == set(offers)
    kept = founders_before.keys() & founders_after.keys()
    assert kept and all(founders_before[k] == founders_after[k] for k in kept)
    # postings move only where clusters merged, split, or were founded by another posting
    refounded = founders_before.keys() != founders_after.keys()
    assert report.merged > 0 or report.split > 0 or refounded or report.relinked == 0


def _founders(conn: Connection) -> dict[str, str]:
    """Founding posting key -> its offer id."""
    link, rows = OfferPosting.__table__, PostingRow.__table__
    query = (
        select(rows.c.source, rows.c.source_offer_id, link.c.offer_id)
        .join(link, link.c.posting_id == rows.c.id)
        .where(link.c.rule == "founder")
    )
    return {f"{s}:{o}": offer for s, o, offer in conn.execute(query)}


def test_a_copy_from_another_board_joins_the_founders_offer(store: Store, market: Market) -> None:
    postings, truth = market
    copies: dict[str, list[Posting]] = {}
    for p in _canonical(postings):
        copies.setdefault(truth[posting_key(p)], []).append(p)
    # a vacancy whose copies the engine merges, stored in two batches
    merged = _memory_clusters(postings)
    first, second = next(
        (group[0], group[1])
        for group in copies.values()
        if len(group) >= 2
        and any(
            {posting_key(group[0]), posting_key(group[1])} <= set(keys) for keys in merged.values()
        )
    )
    matcher = DedupeMatcher()
    with store.engine.begin() as conn:
        store_postings(conn, [first], NOW, matcher=matcher)
    with store.engine.begin() as conn:
        store_postings(conn, [second], NOW, matcher=matcher)
    link, rows = OfferPosting.__table__, PostingRow.__table__
    with store.engine.connect() as conn:
        found = conn.execute(
            select(rows.c.source, link.c.offer_id, link.c.rule).join(
                link, link.c.posting_id == rows.c.id
            )
        ).all()
    assert len({offer for _, offer, _ in found}) == 1
    assert sorted(rule for _, _, rule in found)[0] == "founder" and len(found) == 2


def test_closing_is_read_live_and_sync_refreshes_a_changed_representative(
    store: Store, market: Market
) -> None:
    postings = _sample(store, market[0])
    store_in_batches(store, _canonical(postings), DedupeMatcher())
    members = dedupe_members.c
    with store.engine.begin() as conn:
        pid, cluster_id, blocks = conn.execute(
            select(members.posting_id, members.cluster_id, members.blocks)
            .where(members.rule == "new")
            .order_by(members.seq)
            .limit(1)
        ).one()
        in_cluster = select(members.posting_id).where(members.cluster_id == cluster_id)
        conn.execute(update(PostingRow).where(PostingRow.id.in_(in_cluster)).values(closed_at=None))
        (opened,) = SqlCandidateSource(conn).views([cluster_id])
        assert opened.closed_at is None
        conn.execute(update(PostingRow).where(PostingRow.id.in_(in_cluster)).values(closed_at=NOW))
        (closed,) = SqlCandidateSource(conn).views([cluster_id])
        assert closed.closed_at == NOW  # expiry needs no dedupe call
        conn.execute(
            update(PostingRow)
            .where(PostingRow.id == pid)
            .values(title="Chef de rang brasserie", content_hash="changed")
        )
        assert sync_members(conn, [pid]) == 1
        after = conn.execute(select(members.blocks).where(members.posting_id == pid)).scalar()
    assert after != blocks


def test_a_tiny_block_cap_prunes_exactly_like_the_memory_index(
    store: Store, market: Market
) -> None:
    """Batches read and write the index as working sets; pruning must survive the flushes."""
    postings = _canonical(_sample(store, market[0]))
    store_in_batches(store, postings, DedupeMatcher(block_cap=3), size=150)
    engine = Deduper(MemoryCandidateSource(block_cap=3))
    engine.add(DedupeRecord.from_posting(p, key=posting_key(p)) for p in postings)
    with store.engine.connect() as conn:
        held = clusters(conn)
        widest = max(
            conn.execute(
                select(func.count()).select_from(dedupe_blocks).group_by(dedupe_blocks.c.block)
            ).scalars()
        )
    assert 3 <= widest <= 3 + 150  # blocks reached the cap; pruned when read
    assert {k: sorted(v) for k, v in held.items()} == {
        k: sorted(v) for k, v in engine.clusters().items()
    }


def test_representatives_with_stale_stored_keys_are_read_whole_and_recomputed(
    store: Store, market: Market
) -> None:
    """Current stored keys spare reading the description; stale ones need it to recompute."""
    postings = _canonical(_sample(store, market[0]))
    half = len(postings) // 2
    store_in_batches(store, postings[:half], DedupeMatcher())
    with store.engine.begin() as conn:  # every other representative's cache from older code
        reps = conn.scalars(
            select(dedupe_members.c.posting_id)
            .where(dedupe_members.c.rep_seq.is_not(None))
            .order_by(dedupe_members.c.posting_id)
        ).all()
        conn.execute(
            update(dedupe_members)
            .where(dedupe_members.c.posting_id.in_(reps[::2]))
            .values(cached_keys='{"v": "older-code", "k": {}}')
        )
    store_in_batches(store, postings[half:], DedupeMatcher())  # a new process: no keys in memory
    with store.engine.connect() as conn:
        held = clusters(conn)
    assert {k: sorted(v) for k, v in held.items()} == {
        k: sorted(v) for k, v in _memory_clusters(postings).items()
    }
