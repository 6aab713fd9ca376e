"""``--rebuild`` with keys computed in a worker process: the same clusters, and a worker that
dies fails the rebuild, which rolls back and leaves no process behind."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection

from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.dedupe_store.rebuild import WORKER_FROM, rebuild
from aggregator.schema import Posting
from aggregator.store.database import Store
from dedupe.parallel_keys import KeysWorkerError

from .conftest import NOW, clusters, offer_partition, store_in_batches

Market = tuple[list[Posting], dict[str, str]]
LATER = NOW + timedelta(hours=1)


def _children() -> set[int]:
    """Live child processes of this one."""
    out: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        out.update(int(pid) for pid in (task / "children").read_text().split())
    return out


def _stored(store: Store, market: Market) -> list[Posting]:
    """The market stored by source order (a third on PostgreSQL: a round trip a statement)."""
    postings = sorted(market[0], key=lambda p: (p.source, p.source_offer_id), reverse=True)
    if store.dialect != "sqlite":
        postings = postings[::3]
    store_in_batches(store, postings, DedupeMatcher(), size=400)
    return postings


def _state(conn: Connection) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    return clusters(conn), offer_partition(conn)


def test_rebuild_with_the_worker_gives_the_clusters_of_the_rebuild_without(
    store: Store, market: Market
) -> None:
    postings = _stored(store, market)
    assert len(postings) < WORKER_FROM  # this store is small: the default spawns no process
    before = _children()
    spawned: list[set[int]] = []

    def watch(done: int, total: int) -> None:
        spawned.append(_children() - before)

    with store.engine.begin() as conn:
        inline = rebuild(conn, LATER, batch_size=100, progress=watch)
        expected = _state(conn)
    assert spawned and not any(spawned)
    spawned.clear()
    with store.engine.begin() as conn:
        piped = rebuild(conn, LATER, batch_size=100, progress=watch, worker_from=0)
        assert _state(conn) == expected
    assert len({frozenset(s) for s in spawned}) == 1 and spawned[0]  # one worker, every batch
    assert _children() <= before  # and none once done
    assert (piped.postings, piped.clusters, piped.offers_after) == (
        inline.postings,
        inline.clusters,
        inline.offers_after,
    )
    assert piped.relinked == piped.created == 0  # nothing to change: the same clusters


def test_a_worker_dying_fails_the_rebuild_which_rolls_back(store: Store, market: Market) -> None:
    _stored(store, market)
    with store.engine.connect() as conn:
        expected = _state(conn)
    before = _children()
    killed: list[int] = []

    def kill_the_worker(done: int, total: int) -> None:
        for pid in _children() - before:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    with (
        pytest.raises(KeysWorkerError, match="exited with code -9"),
        store.engine.begin() as conn,
    ):
        rebuild(conn, LATER, batch_size=100, progress=kill_the_worker, worker_from=0)
    assert killed
    assert _children() <= before
    with store.engine.connect() as conn:
        assert _state(conn) == expected
