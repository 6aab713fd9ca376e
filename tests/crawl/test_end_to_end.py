"""``aggregator crawl --all`` on the sandbox: complete, incremental, and following the market.

Everything is checked against the sandbox's ground truth (the market's listed copies per
board) and read back from the store through SQLAlchemy.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import pytest

from aggregator.sandbox.boards import BOARDS, KINDS
from tests.crawl.conftest import History
from tests.crawl.harness import CrawlResult, truth_id

TOUCH_ONLY = {"last_seen_at"}
# Kinds whose listing is paged: how to tell a listing request from a detail request.
PAGED = {
    "workday": lambda h: h.method == "POST",
    "jsonapi": lambda h: "/api/jobs" in h.target,
    "arbeitnow": lambda h: True,
    "adzuna": lambda h: "/search/" in h.target,
    "francetravail": lambda h: "/offres/search" in h.target,
}
# Formats whose amounts carry no currency (the search country's, or always US dollars).
NO_CURRENCY = frozenset({"adzuna", "remoteok"})
# Formats naming the company once per board (Workable) or never (Lever, Ashby: the source's
# catalogue name stands in), while the board's copies word it each their way.
ONE_COMPANY = frozenset({"lever", "ashby", "workable"})
# Kinds with a page per offer: how to tell a detail request.
DETAIL = {
    "smartrecruiters": lambda h: "/postings/" in h.target,
    "workday": lambda h: h.method == "GET",
    "jsonld": lambda h: "/jobs/" in h.target,
}


def _words(text: str) -> set[str]:
    """The significant words of a name, case and accents aside ("Groupe Héliopay" ~ "Heliopay")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return {w for w in re.findall(r"\w+", folded) if len(w) >= 4}


def boards_of(kind: str) -> list[str]:
    return [spec.key for spec in BOARDS if spec.kind == kind]


def stored_truth_ids(crawl: CrawlResult, board: str, known: set[str]) -> dict[str, str]:
    """Truth id -> stored id, for the board's rows in the store."""
    return {truth_id(oid, known): oid for oid in crawl.board_rows(board)}


def expired(row: dict[str, object], at: datetime) -> bool:
    valid = row["valid_through"]
    return isinstance(valid, datetime) and valid < at


def test_every_board_crawls_ok(history: History) -> None:
    first = history.crawls["first"]
    assert first.returncode == 0, first.output
    assert {b: r["status"] for b, r in first.runs.items()} == {s.key: "ok" for s in BOARDS}


@pytest.mark.parametrize("kind", KINDS)
def test_every_posting_of_every_board_is_fetched(history: History, kind: str) -> None:
    first, market = history.crawls["first"], history.markets["first"]
    for board in boards_of(kind):
        known = set(market[board])
        assert set(stored_truth_ids(first, board, known)) == known, board
        assert first.runs[board]["items"] == len(known), board


@pytest.mark.parametrize("kind", sorted(PAGED))
def test_paged_kinds_follow_pages_to_the_last(history: History, kind: str) -> None:
    """Some board of the kind needs several listing pages, and all its offers came back."""
    first, market = history.crawls["first"], history.markets["first"]
    pages = {b: sum(map(PAGED[kind], first.hits_of(b))) for b in boards_of(kind)}
    assert max(pages.values()) >= 2, pages
    for board, count in pages.items():
        if count >= 2:
            assert len(first.board_rows(board)) == len(market[board]), board


@pytest.mark.parametrize("kind", KINDS)
def test_fields_come_back_per_kind(history: History, kind: str) -> None:
    """Title and company as the board wrote them, the French commune, and no wrong salary."""
    first, market = history.crawls["first"], history.markets["first"]
    counts = {"rows": 0, "company": 0, "fr_city": 0, "fr_city_found": 0}
    for board in boards_of(kind):
        known = set(market[board])
        for tid, oid in stored_truth_ids(first, board, known).items():
            row, published = first.rows[(board, oid)], market[board][tid]
            where = (board, oid)
            counts["rows"] += 1
            assert row["title"] == published.title, where
            if row["company"] is not None:
                counts["company"] += 1
                if kind in ONE_COMPANY:  # one name for the whole board: same name, any wording
                    assert _words(published.company) & _words(row["company"]), where
                else:
                    assert row["company"] == published.company, where
            if published.country == "FR" and published.city:
                counts["fr_city"] += 1
                if row["city"] is not None:
                    counts["fr_city_found"] += 1
                    assert row["city"] == published.city, (*where, row["location_raw"])
            if row["salary_min"] is not None:
                assert published.salary_min is not None, (*where, row["salary_raw"])
                assert row["salary_min"] == pytest.approx(published.salary_min, rel=0.02), where
                if kind not in NO_CURRENCY:
                    assert row["salary_currency"] == published.salary_currency, where
    assert counts["rows"] > 0
    assert counts["company"] >= 0.9 * counts["rows"], counts
    assert counts["fr_city_found"] >= 0.8 * counts["fr_city"], counts


def test_second_run_fetches_no_detail_page_again(history: History) -> None:
    first, second = history.crawls["first"], history.crawls["second"]
    assert second.returncode == 0
    assert all(r["status"] == "ok" for r in second.runs.values())
    for board, run in second.runs.items():
        assert run["requests"] <= first.runs[board]["requests"], board
    for kind, is_detail in DETAIL.items():
        for board in boards_of(kind):
            assert sum(map(is_detail, first.hits_of(board))) == len(first.board_rows(board))
            assert not any(map(is_detail, second.hits_of(board))), board
    total = {
        name: sum(r["requests"] for r in history.crawls[name].runs.values())
        for name in ("first", "second")
    }
    assert total["second"] < total["first"] / 2, total


def test_second_run_changes_nothing_but_last_seen(history: History) -> None:
    first, second = history.crawls["first"], history.crawls["second"]
    assert set(second.rows) == set(first.rows)
    for key, row in second.rows.items():
        before = first.rows[key]
        changed = {c for c in row if row[c] != before[c]}
        assert changed <= TOUCH_ONLY, (key, changed)
        assert row["last_seen_at"] > before["last_seen_at"], key
    assert all(r["new"] == r["updated"] == r["closed"] == 0 for r in second.runs.values())


def test_second_run_uses_conditional_requests(history: History) -> None:
    second = history.crawls["second"]
    not_modified = sum(h.status == 304 for h in second.hits)
    assert not_modified >= len(BOARDS) // 2
