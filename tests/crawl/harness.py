"""Driving real crawls against an in-process sandbox, and reading what they stored.

Scrapy's reactor runs once per process, so each crawl is a subprocess of the real command
(``python -m aggregator.cli crawl``); the sandbox serves from a thread of the test process,
where its market (the ground truth) and its traffic can be read directly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import create_engine, select

from aggregator.sandbox.app import SandboxApp
from aggregator.sandbox.credentials import SANDBOX_CREDENTIALS
from aggregator.sandbox.faults import Outcome
from aggregator.sandbox.market import Market, live_epoch
from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.server import SandboxServer
from aggregator.store.models import CrawlRun, PostingRow

ROOT = Path(__file__).resolve().parents[2]
CRAWL_TIMEOUT = 240
_TRAILING_ID = re.compile(r"[A-Za-z0-9]+$")


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the sandbox answered."""

    method: str
    target: str
    status: int

    @property
    def board(self) -> str | None:
        path = urlsplit(self.target).path
        return path.split("/")[2] if path.startswith("/b/") else None


class Traffic:
    """Records every request the sandbox answers (wraps the app's ``handle``)."""

    def __init__(self, app: SandboxApp) -> None:
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        original = app.handle

        def handle(method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Outcome:
            outcome = original(method, target, headers, body)
            status = 0 if outcome.hang else outcome.status
            with self._lock:
                self._hits.append(Hit(method, target, status))
            return outcome

        app.handle = handle  # type: ignore[method-assign]

    def take(self) -> list[Hit]:
        """The hits since the last call."""
        with self._lock:
            hits, self._hits = self._hits, []
        return hits


@dataclass
class CrawlResult:
    """One crawl command's exit, output, traffic, and the store right after it."""

    returncode: int
    output: str
    hits: list[Hit]
    rows: dict[tuple[str, str], dict[str, Any]]
    runs: dict[str, dict[str, Any]]  # this crawl's run per source
    started: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.started = min(r["started_at"] for r in self.runs.values())

    def hits_of(self, board: str) -> list[Hit]:
        return [h for h in self.hits if h.board == board]

    def statuses(self, board: str) -> Counter[int]:
        return Counter(h.status for h in self.hits_of(board))

    def board_rows(self, board: str) -> dict[str, dict[str, Any]]:
        return {oid: row for (src, oid), row in self.rows.items() if src == board}


def post_json(url: str, body: bytes = b"") -> bytes:
    """POST to the sandbox's admin API (as ops would)."""
    request = urllib.request.Request(url, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        data: bytes = response.read()
    return data


def start_sandbox(scale: float, **kwargs: Any) -> tuple[SandboxServer, Traffic]:
    """A sandbox whose dates are live (the crawls' store expires offers by the wall clock)."""
    kwargs.setdefault("epoch", live_epoch())
    server = SandboxServer(scale=scale, **kwargs).start()
    return server, Traffic(server.app)


def market_of(server: SandboxServer) -> Market:
    market = server.app.market
    assert isinstance(market, Market)
    return market


def snapshot(market: Market) -> dict[str, dict[str, BoardPosting]]:
    """Every board's listed copies now, by their ground-truth id."""
    return {
        spec.key: {p.source_offer_id: p for p in market.postings(spec.key)}
        for spec in market.boards()
    }


def truth_id(stored: str, known: set[str]) -> str:
    """The ground-truth id behind a stored id (wire ids may wrap it: a URL, a urn, a slug)."""
    if stored in known:
        return stored
    match = _TRAILING_ID.search(stored)
    return match.group(0) if match else stored


def read_store(db: Path, run_ids_above: int) -> tuple[dict[tuple[str, str], Any], dict[str, Any]]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            postings = PostingRow.__table__
            rows = {
                (r["source"], r["source_offer_id"]): dict(r)
                for r in conn.execute(select(postings)).mappings()
            }
            table = CrawlRun.__table__
            runs = {
                r["source"]: dict(r)
                for r in conn.execute(
                    select(table).where(table.c.id > run_ids_above).order_by(table.c.id)
                ).mappings()
            }
    finally:
        engine.dispose()
    return rows, runs


def last_run_id(db: Path) -> int:
    if not db.exists():
        return 0
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            found = conn.scalar(select(CrawlRun.__table__.c.id).order_by(CrawlRun.id.desc()))
    finally:
        engine.dispose()
    return int(found or 0)


def run_crawl(
    db: Path,
    server: SandboxServer,
    traffic: Traffic,
    *args: str,
    env: dict[str, str] | None = None,
) -> CrawlResult:
    """``aggregator crawl --sandbox-url URL --fast --db DB ARGS`` in a child process."""
    before = last_run_id(db)
    traffic.take()
    command = [sys.executable, "-m", "aggregator.cli", "crawl", "--sandbox-url", server.url]
    command += ["--fast", "--db", f"sqlite:///{db}", *args]
    child_env = {**os.environ, **SANDBOX_CREDENTIALS, "COLUMNS": "200", **(env or {})}
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
        check=False,
    )
    hits = traffic.take()
    rows, runs = read_store(db, before)
    assert runs, f"no crawl run recorded:\n{done.stdout}\n{done.stderr}"
    return CrawlResult(done.returncode, done.stdout + done.stderr, hits, rows, runs)
