"""Client-side page sizes and the per-source request budget, on a catalogue made for it.

The sandbox catalogue asks Lever for everything at once and SmartRecruiters, Himalayas and
Adzuna for large pages; the same boards with small pages must still come back complete. A
source stopped by its request budget is partial and closes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from aggregator.catalogue import CATALOGUE_DIR
from aggregator.sandbox.server import SandboxServer
from tests.crawl.harness import CrawlResult, Traffic, market_of, run_crawl, start_sandbox, truth_id

SMALL_PAGES = {
    "lv-helio-pay": "/v0/postings/heliopay?mode=json&limit=4",
    "sr-banque-lys": "/v1/companies/BanqueDuLys/postings?limit=4&offset=0",
    "himalayas": "/jobs/api?limit=2&offset=0",
    "az-gb": "/v1/api/jobs/gb/search/1",
    "ja-talentis": "/api/jobs?page=1",
}
OPTIONS = {"az-gb": {"results_per_page": 10}}
PAGING_PARAMS = ("limit=", "results_per_page=", "page=")
BUDGETED = "ja-talentis"


def _catalogue(path: Path, budget: bool) -> Path:
    raw: dict[str, Any] = yaml.safe_load((CATALOGUE_DIR / "sandbox.yaml").read_text("utf-8"))
    for entry in raw["sources"]:
        if entry["key"] in SMALL_PAGES:
            entry["path"] = SMALL_PAGES[entry["key"]]
            entry.setdefault("options", {}).update(OPTIONS.get(entry["key"], {}))
        if budget and entry["key"] == BUDGETED:
            entry["politeness"] = {"max_requests": 1}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return path


def _sources() -> list[str]:
    return [arg for key in SMALL_PAGES for arg in ("--source", key)]


@pytest.fixture(scope="module")
def paging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    folder = tmp_path_factory.mktemp("paging")
    server, traffic = start_sandbox(0.1)
    try:
        db = folder / "store.db"
        full = _crawl(db, server, traffic, _catalogue(folder / "small.yaml", budget=False))
        cut = _crawl(db, server, traffic, _catalogue(folder / "budget.yaml", budget=True))
        yield server, full, cut
    finally:
        server.stop()


def _crawl(db: Path, server: SandboxServer, traffic: Traffic, catalogue: Path) -> CrawlResult:
    return run_crawl(db, server, traffic, "--catalogue", str(catalogue), *_sources())


@pytest.mark.parametrize("board", [b for b in SMALL_PAGES if b != BUDGETED])
def test_small_pages_are_followed_to_the_last(paging: tuple[Any, ...], board: str) -> None:
    server, full, _ = paging
    listed = {p.source_offer_id for p in market_of(server).postings(board)}
    listing_hits = [h for h in full.hits_of(board) if any(p in h.target for p in PAGING_PARAMS)]
    assert len(listing_hits) >= 3, board
    assert full.runs[board]["status"] == "ok"
    assert {truth_id(oid, listed) for oid in full.board_rows(board)} == listed


def test_a_source_stopped_by_its_budget_is_partial_and_closes_nothing(
    paging: tuple[Any, ...],
) -> None:
    _, full, cut = paging
    assert full.runs[BUDGETED]["items"] > cut.runs[BUDGETED]["items"]
    run = cut.runs[BUDGETED]
    assert run["status"] == "partial"
    assert "closespider_pagecount" in run["error"]
    assert run["closed"] == 0
    assert all(row["closed_at"] is None for row in cut.board_rows(BUDGETED).values())
    assert all(cut.runs[b]["status"] == "ok" for b in SMALL_PAGES if b != BUDGETED)
