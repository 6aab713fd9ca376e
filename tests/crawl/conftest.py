"""One sandbox market's history, crawled for real, shared by the crawl tests.

The history (a few crawls of every board, about a minute in all) is built once per session:
a first crawl, an immediate re-crawl, a crawl after the market moved a day, a crawl after a
second day with a fault switched on for ten boards, and a crawl once the faults are cleared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from aggregator.sandbox.boards import BOARDS
from aggregator.sandbox.faults import make_fault
from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.server import SandboxServer
from tests.crawl.harness import (
    CrawlResult,
    Traffic,
    market_of,
    post_json,
    run_crawl,
    snapshot,
    start_sandbox,
)

SCALE = 0.1
# The fault each of ten boards gets, with the kinds it may be put on and its options.
FAULT_PLAN: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "http_500": (("greenhouse",), {}),
    "http_429": (("lever",), {"count": 2, "retry_after": 1}),
    "timeout": (("recruitee", "ashby"), {"hang": 20}),
    "truncated": (("workable", "personio"), {}),
    "malformed": (("smartrecruiters",), {}),
    "encoding": (("feed",), {}),
    "robots": (("personio", "workable"), {}),
    "loop": (("jsonapi",), {}),
    "empty": (("xmlfeed",), {}),
    "layout": (("workday", "adzuna"), {}),
}
DOWNLOAD_TIMEOUT = "2"

Snapshot = dict[str, dict[str, BoardPosting]]


@dataclass
class History:
    """Every crawl of the story, with the market as it was before each."""

    server: SandboxServer
    db: Path
    crawls: dict[str, CrawlResult] = field(default_factory=dict)
    markets: dict[str, Snapshot] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)  # fault kind -> board

    @property
    def kinds(self) -> dict[str, str]:
        return {spec.key: spec.kind for spec in BOARDS}


def _paged_boards() -> list[Any]:
    """The real boards; Arbeitnow serves 20 a page (not 100) so that it pages at this scale."""
    return [
        dataclasses.replace(spec, page_size=20) if spec.kind == "arbeitnow" else spec
        for spec in BOARDS
    ]


def choose_fault_boards(before: Snapshot, after: Snapshot) -> dict[str, str]:
    """For each fault, the board of its kinds that lost the most offers (distinct boards)."""
    kinds = {spec.key: spec.kind for spec in BOARDS}
    chosen: dict[str, str] = {}
    for fault, (wanted, _) in FAULT_PLAN.items():
        candidates = [
            b for b in before if kinds[b] in wanted and b not in chosen.values() and before[b]
        ]
        chosen[fault] = max(candidates, key=lambda b: (len(set(before[b]) - set(after[b])), b))
    return chosen


def _story(server: SandboxServer, traffic: Traffic, db: Path) -> History:
    history = History(server, db)
    market = market_of(server)
    history.markets["first"] = snapshot(market)
    history.crawls["first"] = run_crawl(db, server, traffic, "--all")
    history.markets["second"] = history.markets["first"]
    history.crawls["second"] = run_crawl(db, server, traffic, "--all")
    post_json(f"{server.url}/_admin/tick")
    history.markets["third"] = snapshot(market)
    history.crawls["third"] = run_crawl(db, server, traffic, "--all")
    post_json(f"{server.url}/_admin/tick")
    history.markets["faulted"] = snapshot(market)
    history.faults = choose_fault_boards(history.markets["third"], history.markets["faulted"])
    body = [
        {"board": board, "kinds": [fault], **FAULT_PLAN[fault][1]}
        for fault, board in history.faults.items()
    ]
    make_fault([f for f in history.faults])  # every planned kind is one the sandbox knows
    post_json(f"{server.url}/_admin/faults", orjson.dumps(body))
    history.crawls["faulted"] = run_crawl(
        db, server, traffic, "--all", env={"AGGREGATOR_DOWNLOAD_TIMEOUT": DOWNLOAD_TIMEOUT}
    )
    server.app.faults.clear()
    history.markets["recovered"] = history.markets["faulted"]
    history.crawls["recovered"] = run_crawl(db, server, traffic, "--all")
    return history


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    server, traffic = start_sandbox(SCALE, boards=_paged_boards())
    try:
        yield _story(server, traffic, tmp_path_factory.mktemp("crawl") / "store.db")
    finally:
        server.stop()
