"""A load computes the next batch's keys in a worker process: the same clusters as without it,
the keys really come from the worker, and a worker that dies costs only the saving."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import Connection

from aggregator.dedupe_store.ahead import expected_record
from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.dedupe_store.rows import posting_rows, to_record
from aggregator.loader import LoadReport, store_batches
from aggregator.schema import Posting
from aggregator.store.database import Store, open_store

from .conftest import NOW, clusters, offer_partition, store_in_batches

Market = tuple[list[Posting], dict[str, str]]
BATCH = 150


def _children() -> set[int]:
    """Live child processes of this one."""
    out: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        out.update(int(pid) for pid in (task / "children").read_text().split())
    return out


def _postings(market: Market) -> list[Posting]:
    """Four batches of the market, cross-posted copies included (sorted by source)."""
    return sorted(market[0], key=lambda p: (p.source, p.source_offer_id))[: 4 * BATCH]


def _batches(postings: Sequence[Posting]) -> list[list[Posting]]:
    return [list(postings[i : i + BATCH]) for i in range(0, len(postings), BATCH)]


def _state(conn: Connection) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    return clusters(conn), offer_partition(conn)


@pytest.fixture
def expected(market: Market, tmp_path: Path) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """What the postings give loaded batch by batch with keys computed inline."""
    reference = open_store(f"sqlite:///{tmp_path / 'inline.db'}")
    try:
        store_in_batches(reference, _postings(market), DedupeMatcher(), size=BATCH)
        with reference.engine.connect() as conn:
            return _state(conn)
    finally:
        reference.close()


def test_the_record_expected_is_the_record_stored(store: Store, market: Market) -> None:
    postings = _postings(market)[:BATCH]
    store_in_batches(store, postings, DedupeMatcher(), size=BATCH)
    with store.engine.connect() as conn:
        ids = [row.id for row in conn.exec_driver_sql("SELECT id FROM postings")]
        stored = {r.key: r for r in map(to_record, posting_rows(conn, ids))}
    assert len(stored) == len(postings)
    for posting in postings:  # else keys made ahead would never be used
        made = expected_record(posting)
        if posting.valid_through and posting.valid_through < NOW:
            assert made != stored[made.key]  # stored closed: its keys are computed again
        else:
            assert made == stored[made.key]


def test_a_load_with_keys_ahead_gives_the_clusters_of_a_load_without(
    store: Store, market: Market, expected: tuple[dict[str, list[str]], dict[str, set[str]]]
) -> None:
    postings = _postings(market)
    before = _children()
    seen: list[set[int]] = []
    matcher = DedupeMatcher()
    report = LoadReport()

    def watch(_: LoadReport) -> None:
        seen.append(_children() - before)

    store_batches(store, _batches(postings), report, matcher, watch, now=NOW)
    assert len(report.result.new_ids) == len(postings)
    assert len(seen) == 3 and seen[0] and seen[0] == seen[-1]  # one worker for the load
    assert _children() <= before  # ended with it
    # every batch after the first took its keys from the worker (the first had none ahead),
    # but for postings stored closed (past their valid_through): their record is another
    open_later = [p for p in postings[BATCH:] if not (p.valid_through and p.valid_through < NOW)]
    assert len(open_later) > 0.8 * (len(postings) - BATCH)
    assert matcher.keys_ahead_used == len(open_later)
    with store.engine.connect() as conn:
        assert _state(conn) == expected


def test_a_dead_keys_worker_costs_only_the_saving(
    store: Store,
    market: Market,
    expected: tuple[dict[str, list[str]], dict[str, set[str]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    postings = _postings(market)
    before = _children()
    matcher = DedupeMatcher()

    def kill_worker(_: LoadReport) -> None:
        for pid in _children() - before:
            os.kill(pid, signal.SIGKILL)

    with caplog.at_level(logging.WARNING, logger="aggregator.dedupe_store.ahead"):
        store_batches(store, _batches(postings), LoadReport(), matcher, kill_worker, now=NOW)
    assert "keys worker failed" in caplog.text
    assert matcher.keys_ahead_used <= BATCH  # at most the second batch's, if made before the kill
    assert _children() <= before
    with store.engine.connect() as conn:
        assert _state(conn) == expected
