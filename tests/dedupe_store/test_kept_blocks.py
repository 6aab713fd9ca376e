"""A matcher's next transaction reuses the block rows its last one read and wrote, only while
no one else wrote the blocks in between (a token in ``dedupe_state``), on both backends."""

from __future__ import annotations

from sqlalchemy import select

from aggregator.dedupe_store.index import WRITER
from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.dedupe_store.rows import posting_rows, to_record
from aggregator.dedupe_store.tables import dedupe_blocks, dedupe_state
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.postings import upsert_postings
from dedupe.engine import Deduper
from dedupe.records import DedupeRecord, canonical_order, posting_key

from .conftest import NOW, clusters

Market = tuple[list[Posting], dict[str, str]]


def _thirds(store: Store, postings: list[Posting]) -> list[list[Posting]]:
    """Three batches in publication order (a fifth of the market on PostgreSQL: round trips)."""
    if store.dialect != "sqlite":
        postings = sorted(postings, key=lambda p: (p.source, p.source_offer_id))[::5]
    ordered = sorted(
        postings, key=lambda p: canonical_order(DedupeRecord.from_posting(p, key=posting_key(p)))
    )
    third = len(ordered) // 3
    return [ordered[:third], ordered[third : 2 * third], ordered[2 * third :]]


def _expected(*batches: list[Posting]) -> dict[str, list[str]]:
    """The memory engine's clusters, fed the same batches in the same order."""
    engine = Deduper()
    for batch in batches:
        engine.add(DedupeRecord.from_posting(p, key=posting_key(p)) for p in batch)
    return {k: sorted(v) for k, v in engine.clusters().items()}


def _held(store: Store) -> dict[str, list[str]]:
    with store.engine.connect() as conn:
        return {k: sorted(v) for k, v in clusters(conn).items()}


def _store(store: Store, batch: list[Posting], matcher: DedupeMatcher) -> None:
    with store.engine.begin() as conn:
        store_postings(conn, batch, NOW, matcher=matcher)


def _in_step(store: Store, matcher: DedupeMatcher) -> bool:
    """Whether the rows a matcher keeps are the rows its blocks hold in the tables."""
    kept = matcher.kept.rows
    b = dedupe_blocks.c
    held: dict[int, dict[str, list[int]]] = {h: {} for h in kept}
    with store.engine.connect() as conn:
        for block, cluster_id, refs, seq in conn.execute(
            select(b.block, b.cluster_id, b.refs, b.seq)
        ):
            if block in held:
                held[block][cluster_id] = [refs, seq]
    return bool(kept) and held == {h: dict(rows) for h, rows in kept.items()}


def _token(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return conn.scalar(select(dedupe_state.c.value).where(dedupe_state.c.name == WRITER))


def test_the_next_batch_reuses_the_rows_and_a_rolled_back_one_is_not_trusted(
    store: Store, market: Market
) -> None:
    first, second, third = _thirds(store, market[0])
    matcher = DedupeMatcher()
    _store(store, first, matcher)
    assert matcher.kept.token == _token(store) is not None and matcher.kept.rows
    read_before = matcher.kept.rows_read
    # another matcher stores the second batch, then its transaction rolls back
    other = DedupeMatcher()
    with store.engine.connect() as conn:
        transaction = conn.begin()
        store_postings(conn, second, NOW, matcher=other)
        transaction.rollback()
    assert other.kept.token is not None and other.kept.token != _token(store)
    fresh_read = other.kept.rows_read
    # the store is as the first batch left it: the first matcher's rows are still in step
    _store(store, third, matcher)
    assert matcher.kept.rows_read - read_before < fresh_read  # blocks of the first batch kept
    assert _in_step(store, matcher)
    # the matcher whose transaction rolled back reads its rows again, and clusters right
    _store(store, second, other)
    assert _in_step(store, other)
    assert _held(store) == _expected(first, third, second)


def test_a_writer_in_between_makes_the_matcher_read_the_blocks_again(
    store: Store, market: Market
) -> None:
    first, second, third = _thirds(store, market[0])
    matcher = DedupeMatcher()
    _store(store, first, matcher)
    kept = matcher.kept.token
    _store(store, second, DedupeMatcher())  # another process's load, say
    assert _token(store) not in (None, kept)
    _store(store, third, matcher)
    assert _held(store) == _expected(first, second, third)
    assert _in_step(store, matcher)


def test_a_transaction_that_fails_before_its_flush_leaves_nothing_kept(
    store: Store, market: Market
) -> None:
    first, second, third = _thirds(store, market[0])
    matcher = DedupeMatcher()
    _store(store, first, matcher)
    # the next batch is matched in memory, then the transaction fails before the flush
    with store.engine.connect() as conn:
        transaction = conn.begin()
        new_ids = upsert_postings(conn, second, NOW).new_ids
        rows = list(posting_rows(conn, sorted(new_ids)))
        engine, source = matcher.deduper(conn)
        source.register(rows)
        matcher.assign(engine, source, [to_record(row) for row in rows])
        transaction.rollback()
    # the stored token is the one the first batch left, yet the rows changed in memory: the
    # next batch must not meet the clusters of the one rolled back
    _store(store, third, matcher)
    assert _in_step(store, matcher)
    _store(store, second, matcher)
    assert _held(store) == _expected(first, third, second)
    assert _in_step(store, matcher)
