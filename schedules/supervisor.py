"""Running crawls: at most N at once, a source never twice, each in a child with a time limit.

Both the long-lived scheduler and ``aggregator run-once`` go through :meth:`Supervisor.run`,
which checks the circuit breaker and the other guards, runs the child, then makes the run
history true: whatever the child could not record (a timeout, a kill, a crash before its run
row existed, a stop at shutdown) is recorded here, and the source's health is refreshed.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from aggregator.catalogue import SourceEntry
from schedules import records, snapshot
from schedules.child import ChildOutcome, CrawlChild
from schedules.health import RunView
from schedules.logs import crawl_context
from schedules.metrics import Metrics
from schedules.policy import HealthPolicy

logger = logging.getLogger("aggregator.schedules")
DEFAULT_COMMAND = (sys.executable, "-m", "aggregator.cli")
CLOCK_SLACK = timedelta(seconds=2)  # child and parent clocks read at slightly different times


@dataclass(slots=True)
class CrawlSettings:
    """What every crawl child gets and the limits put on it (no secret is kept here)."""

    db_url: str
    catalogue: Path
    sandbox_url: str | None = None
    time_limit: float = 3600.0
    max_concurrent: int = 4
    kill_after: float = 10.0
    crawl_command: list[str] = field(
        default_factory=lambda: [sys.executable, "-m", "aggregator.cli"]
    )
    extra_args: list[str] = field(default_factory=list)
    policy: HealthPolicy = field(default_factory=HealthPolicy)

    def argv(self, source: str) -> list[str]:
        argv = [
            *self.crawl_command,
            "crawl",
            "--source",
            source,
            "--catalogue",
            str(self.catalogue),
        ]
        if self.sandbox_url:
            argv += ["--sandbox-url", self.sandbox_url]
        return argv + self.extra_args


@dataclass(slots=True)
class CrawlResult:
    """What one :meth:`Supervisor.run` did: the runs recorded, or why nothing ran."""

    source: str
    runs: list[RunView] = field(default_factory=list)
    skipped: str | None = None
    outcome: ChildOutcome | None = None

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return self.runs[-1].status if self.runs else "failed"


class Supervisor:
    """Starts crawl children under the global and per-source limits, and records their end."""

    def __init__(self, settings: CrawlSettings, engine: Engine, metrics: Metrics | None = None):
        self.settings = settings
        self.engine = engine
        self.metrics = metrics
        self.stopping = threading.Event()
        self._slots = threading.BoundedSemaphore(settings.max_concurrent)
        self._lock = threading.Lock()
        self._active: dict[str, CrawlChild | None] = {}  # None: waiting for a slot

    def active(self) -> list[str]:
        with self._lock:
            return sorted(self._active)

    def _skip(self, source: str, reason: str, detail: str) -> CrawlResult:
        logger.info("crawl not started: %s", detail, extra={"skip": reason})
        if self.metrics:
            self.metrics.skipped.labels(source, reason).inc()
        return CrawlResult(source=source, skipped=detail)

    def run(self, entry: SourceEntry, *, now: datetime | None = None) -> CrawlResult:
        """Crawl one source now unless a guard says no; blocks until the child has ended."""
        with crawl_context(source=entry.key):
            if self.stopping.is_set():
                return self._skip(entry.key, "stopping", "the scheduler is stopping")
            with self._lock:
                if entry.key in self._active:
                    return self._skip(entry.key, "running", "a crawl of this source is running")
                self._active[entry.key] = None
            try:
                return self._guarded_run(entry, now or datetime.now(UTC))
            finally:
                with self._lock:
                    self._active.pop(entry.key, None)
                    if self.metrics:
                        self.metrics.active.set(sum(1 for c in self._active.values() if c))

    def _guarded_run(self, entry: SourceEntry, now: datetime) -> CrawlResult:
        limit = timedelta(seconds=self.settings.time_limit) + CLOCK_SLACK
        with self.engine.connect() as conn:
            elsewhere = records.running_since(conn, entry.key, now - limit)
            health = snapshot.assess_sources(conn, [entry], now=now, policy=self.settings.policy)[0]
        if elsewhere:
            return self._skip(entry.key, "running", "a crawl of this source is running elsewhere")
        if health.cooling_down(now) and health.cooldown_until is not None:
            return self._skip(
                entry.key,
                "cooldown",
                f"circuit breaker open after {health.consecutive_failures} failures, "
                f"cooling down until {health.cooldown_until:%Y-%m-%d %H:%M:%S}Z",
            )
        while not self._slots.acquire(timeout=0.5):
            if self.stopping.is_set():
                return self._skip(entry.key, "stopping", "the scheduler is stopping")
        try:
            if self.stopping.is_set():
                return self._skip(entry.key, "stopping", "the scheduler is stopping")
            return self._spawn(entry)
        finally:
            self._slots.release()

    def _spawn(self, entry: SourceEntry) -> CrawlResult:
        settings = self.settings
        child = CrawlChild(entry.key, settings.argv(entry.key), db_url=settings.db_url)
        with self.engine.connect() as conn:
            before = records.last_run_id(conn)
        started = datetime.now(UTC)
        began = time.monotonic()
        child.start()
        with self._lock:
            self._active[entry.key] = child
            if self.metrics:
                self.metrics.active.set(sum(1 for c in self._active.values() if c))
        logger.info("crawl started (pid %s)", child.pid)
        outcome = child.wait(settings.time_limit, kill_after=settings.kill_after)
        runs = self._settle(entry, before, started, outcome)
        healths = snapshot.refresh(
            self.engine, [entry], now=datetime.now(UTC), policy=settings.policy
        )
        seconds = time.monotonic() - began
        for run in runs:
            with crawl_context(run_id=run.id):
                logger.info(
                    "crawl ended: %s, %d offers (%d new, %d closed) in %.1fs%s",
                    run.status,
                    run.items,
                    run.new,
                    run.closed,
                    seconds,
                    f": {run.error}" if run.error else "",
                    extra={"status": run.status, "health": healths[0].state},
                )
            if self.metrics:
                self.metrics.observe_run(run, seconds)
        if self.metrics:
            self.metrics.observe_health(healths, datetime.now(UTC))
        return CrawlResult(source=entry.key, runs=runs, outcome=outcome)

    def _settle(
        self, entry: SourceEntry, before: int, started: datetime, outcome: ChildOutcome
    ) -> list[RunView]:
        """Record what the child could not, and return the runs it made (newest last)."""
        now = datetime.now(UTC)
        reason = outcome.describe(self.settings.time_limit)
        status = "interrupted" if outcome.stopped else "failed"
        with self.engine.begin() as conn:
            runs = records.runs_after(conn, entry.key, before)
            left = [r for r in runs if r.status == "running"]
            for run in left:
                records.finish_run(conn, run.id, status, reason, now)
            if not runs and not outcome.stopped:
                records.record_failure(
                    conn,
                    entry.key,
                    name=entry.name,
                    kind=entry.kind,
                    started=started,
                    now=now,
                    error=reason if not outcome.ok else "crawl process recorded no run",
                )
            return records.runs_after(conn, entry.key, before)

    def stop(self, grace: float) -> list[str]:
        """Take no new crawl; give running ones ``grace`` seconds, then stop them.

        Returns the sources whose crawls had to be stopped (recorded ``interrupted`` by the
        threads that ran them).
        """
        self.stopping.set()
        deadline = time.monotonic() + grace
        while self.active() and time.monotonic() < deadline:
            time.sleep(0.1)
        with self._lock:
            children = [c for c in self._active.values() if c is not None]
        for child in children:
            logger.warning("stopping crawl of %s after the grace period", child.source)
            child.terminate(self.settings.kill_after, stopping=True)
        deadline = time.monotonic() + self.settings.kill_after + 5
        while self.active() and time.monotonic() < deadline:
            time.sleep(0.05)
        return [c.source for c in children]
