"""A crawl committing while an export runs never shows in it: one snapshot, files that agree."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from aggregator.crawl.expiry import close_missing
from aggregator.export import export_offers
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.snapshots.filters import SnapshotFilters, Status
from aggregator.snapshots.history import sync_history
from aggregator.store.database import Store
from aggregator.store.models import PostingRow
from aggregator.store.postings import ensure_sources
from tests.snapshots.helpers import SameTitleAndCompany, read_table, store_offers
from tests.store.postings_factory import full_posting

T0 = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
MATCHER = SameTitleAndCompany()


def _pair(i: int, title: str | None = None) -> list[dict[str, Any]]:
    """The same vacancy on two boards: one offer with two postings."""
    base = {"title": title or f"Poste {i}", "company": f"Société {i}"}
    return [
        full_posting(i, source=source, url=f"https://{source}.example/{i}", **base)
        for source in ("board-a", "board-b")
    ]


def _commit(
    store: Store, now: datetime, pairs: list[list[dict[str, Any]]], close: list[int]
) -> None:
    """One crawl transaction: both sides of each pair (the second joins the first's offer)."""
    with store.engine.begin() as conn:
        ensure_sources(conn, {"board-a", "board-b"}, now)
        for side in (0, 1):
            batch = [Posting.model_validate(pair[side]) for pair in pairs]
            store_postings(conn, batch, now, matcher=MATCHER)
        for source in ("board-a", "board-b") if close else ():
            wanted = {f"FR-{i:06d}" for i in close}
            table = PostingRow.__table__
            open_ids = conn.scalars(
                select(table.c.source_offer_id).where(
                    table.c.source == source, table.c.closed_at.is_(None)
                )
            )
            close_missing(conn, source, [s for s in open_ids if s not in wanted], now)
        sync_history(conn, now)


def test_concurrent_crawl_leaves_the_export_consistent(store: Store, tmp_path: Path) -> None:
    _commit(store, T0, [_pair(i) for i in range(300)], close=[])
    before = {o["offer_id"]: o["title"] for o in store_offers(store)}
    request, done = threading.Event(), threading.Event()
    stop = threading.Event()
    commits: list[int] = []
    failures: list[BaseException] = []

    def crawler() -> None:
        step = 0
        while not stop.is_set():
            if not request.wait(timeout=0.05):
                continue
            request.clear()
            step += 1
            try:
                now = T0 + timedelta(minutes=step)
                new = [_pair(1000 + 10 * step + k) for k in range(5)]
                edited = [_pair(step * 7 + k, title=f"Poste modifié {step}") for k in range(3)]
                _commit(store, now, new + edited, close=[200 + step * 3 + k for k in range(3)])
                commits.append(step)
            except BaseException as exc:  # surfaced by the test below
                failures.append(exc)
            finally:
                done.set()

    def between_batches(_: int) -> None:
        request.set()
        assert done.wait(timeout=60)
        done.clear()

    thread = threading.Thread(target=crawler)
    thread.start()
    try:
        result = export_offers(
            store,
            tmp_path / "snap",
            "jsonl",
            filters=SnapshotFilters(status=Status.ANY),
            progress=False,
            batch_size=25,
            on_batch=between_batches,
        )
    finally:
        stop.set()
        thread.join()
    assert not failures, failures
    assert len(commits) == 12  # a crawl committed after each of the 12 batches

    offers = read_table(tmp_path / "snap", "jsonl", "offers")
    postings = read_table(tmp_path / "snap", "jsonl", "postings")
    assert {o["offer_id"]: o["title"] for o in offers} == before
    assert all(o["status"] == "open" for o in offers)
    per_offer = Counter(p["offer_id"] for p in postings)
    assert per_offer == {offer_id: 2 for offer_id in before}
    manifest = orjson.loads((tmp_path / "snap" / "manifest.json").read_bytes())
    assert manifest["counts"] == {"offers": 300, "postings": 600}
    assert (result.offers, result.postings) == (300, 600)
    after = store_offers(store)
    assert len(after) == 300 + 5 * 12
    assert sum(o["status"] == "closed" for o in after) == 3 * 12
