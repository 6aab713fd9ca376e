"""``aggregator run-once``: crawl what is due now and exit (for cron or a Kubernetes CronJob).

It takes the same lease as the scheduler, so it never runs beside one, and the same guards
(circuit breaker, one crawl per source, global limit, time limit) through the supervisor.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from aggregator.catalogue import Catalogue, SourceEntry
from aggregator.store.database import open_store
from schedules import records
from schedules.due import is_due
from schedules.lease import Lease
from schedules.service import StopSignals
from schedules.supervisor import CrawlResult, CrawlSettings, Supervisor

logger = logging.getLogger("aggregator.schedules")


def due_entries(
    catalogue: Catalogue,
    last_started: dict[str, datetime],
    now: datetime,
    *,
    keys: Sequence[str] = (),
    force: bool = False,
) -> list[SourceEntry]:
    """The named sources (or every enabled one), only those due unless ``force``."""
    entries = [catalogue.get(key) for key in keys] if keys else catalogue.enabled()
    if force:
        return entries
    return [e for e in entries if is_due(e, last_started.get(e.key), now)]


def run_once(
    settings: CrawlSettings,
    catalogue: Catalogue,
    *,
    keys: Sequence[str] = (),
    force: bool = False,
    grace: float = 60.0,
    signals: StopSignals | None = None,
) -> list[CrawlResult]:
    """Crawl the due sources under the supervisor's limits; returns one result per source."""
    signals = signals or StopSignals()
    store = open_store(settings.db_url)
    lease = Lease(store.engine, ttl=timedelta(seconds=max(settings.time_limit, 60) * 2))
    try:
        lease.acquire()
        try:
            return _run(settings, catalogue, store.engine, keys, force, grace, signals)
        finally:
            lease.release()
    finally:
        store.close()


def _run(
    settings: CrawlSettings,
    catalogue: Catalogue,
    engine: Engine,
    keys: Sequence[str],
    force: bool,
    grace: float,
    signals: StopSignals,
) -> list[CrawlResult]:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        left = records.interrupt_abandoned(conn, now, "interrupted: the process that ran it died")
        last = records.last_started(conn)
    if left:
        logger.warning("marked %d crawls left running as interrupted: %s", len(left), left)
    entries = due_entries(catalogue, last, now, keys=keys, force=force)
    logger.info("%d sources due: %s", len(entries), ", ".join(e.key for e in entries) or "none")
    supervisor = Supervisor(settings, engine)
    results: list[CrawlResult] = []
    with ThreadPoolExecutor(max_workers=max(1, settings.max_concurrent)) as pool:
        pending: set[Future[CrawlResult]] = {pool.submit(supervisor.run, e) for e in entries}
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            results.extend(f.result() for f in done)
            if signals.stop.is_set() and not supervisor.stopping.is_set():
                supervisor.stop(0.0 if signals.hurry.is_set() else grace)
    return results
