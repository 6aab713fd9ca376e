"""After a day of the sandbox market: new, edited and closed offers are picked up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.crawl.conftest import History
from tests.crawl.harness import CrawlResult, truth_id


def _by_truth(crawl: CrawlResult, board: str, known: set[str]) -> dict[str, dict[str, Any]]:
    return {truth_id(oid, known): row for oid, row in crawl.board_rows(board).items()}


def _expired(row: dict[str, object], at: object) -> bool:
    valid = row["valid_through"]
    return isinstance(valid, datetime) and isinstance(at, datetime) and valid < at


def test_the_tick_moved_the_market(history: History) -> None:
    before, after = history.markets["second"], history.markets["third"]
    assert sum(len(set(after[b]) - set(before[b])) for b in after) > 0
    assert sum(len(set(before[b]) - set(after[b])) for b in after) > 0
    assert sum(after[b][i] != before[b][i] for b in after for i in set(after[b]) & set(before[b]))


def test_new_offers_are_stored_open(history: History) -> None:
    before, after, third = (
        history.markets["second"],
        history.markets["third"],
        history.crawls["third"],
    )
    assert third.returncode == 0 and all(r["status"] == "ok" for r in third.runs.values())
    for board in after:
        rows = _by_truth(third, board, set(after[board]) | set(before[board]))
        new = set(after[board]) - set(before[board])
        assert new <= set(rows), board
        finished = third.runs[board]["finished_at"]
        for tid in new:
            assert rows[tid]["closed_at"] is None or _expired(rows[tid], finished), (board, tid)
        assert third.runs[board]["new"] == len(new), board


def test_vanished_offers_are_closed_and_listed_ones_stay_open(history: History) -> None:
    before, after, third = (
        history.markets["second"],
        history.markets["third"],
        history.crawls["third"],
    )
    for board in after:
        rows = _by_truth(third, board, set(after[board]) | set(before[board]))
        finished = third.runs[board]["finished_at"]
        for tid in set(before[board]) - set(after[board]):
            assert rows[tid]["closed_at"] is not None, (board, tid)
        for tid in after[board]:
            if not _expired(rows[tid], finished):
                assert rows[tid]["closed_at"] is None, (board, tid)


def test_edited_offers_are_updated_and_the_rest_untouched(history: History) -> None:
    """An offer whose published copy changed is re-read; one that did not keeps its row."""
    before, after = history.markets["second"], history.markets["third"]
    second, third = history.crawls["second"], history.crawls["third"]
    edited = 0
    for board in after:
        known = set(after[board]) | set(before[board])
        old, new = _by_truth(second, board, known), _by_truth(third, board, known)
        for tid in set(after[board]) & set(before[board]):
            same = after[board][tid] == before[board][tid]
            if same:
                assert new[tid]["content_hash"] == old[tid]["content_hash"], (board, tid)
                assert new[tid]["changed_at"] == old[tid]["changed_at"], (board, tid)
            else:
                edited += 1
                assert new[tid]["changed_at"] > old[tid]["changed_at"], (board, tid)
                assert new[tid]["last_seen_at"] > old[tid]["last_seen_at"], (board, tid)
    assert edited > 0
