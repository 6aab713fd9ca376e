"""The long-lived scheduler: one owner per store, jobs from the catalogue, a clean stop.

Start: take the store's lease (or wait as a standby), mark crawls a dead scheduler left
``running`` as ``interrupted``, start APScheduler paused, reconcile jobs with the catalogue,
resume. Then the main thread renews the lease, reloads the catalogue when its file changes and
refreshes the health gauges. SIGTERM/SIGINT: no new crawl, running ones get ``grace`` seconds,
then are stopped and recorded ``interrupted``; a second signal skips the rest of the grace.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.catalogue import Catalogue, CatalogueError, parse_interval
from aggregator.store.database import open_store
from schedules import jobs, records, snapshot
from schedules.due import MAX_JITTER
from schedules.lease import Lease
from schedules.maintenance import MAINTENANCE
from schedules.metrics import Metrics
from schedules.supervisor import CrawlSettings, Supervisor
from schedules.tables import JOBS_TABLE

logger = logging.getLogger("aggregator.schedules")
GAUGE_EVERY = 60.0  # seconds between health gauge refreshes
WORKERS = 128  # threads mostly wait on children; the crawl limit is the supervisor's


@dataclass(slots=True)
class ServiceOptions:
    """How the scheduler process behaves (the crawl limits are in :class:`CrawlSettings`)."""

    settings: CrawlSettings
    grace: float = 60.0
    lease_ttl: float = 60.0
    poll: float = 5.0
    jitter_cap: timedelta = MAX_JITTER
    standby: bool = False
    metrics_port: int | None = None
    metrics_addr: str = "127.0.0.1"


class StopSignals:
    """SIGTERM/SIGINT set ``stop``; a second one sets ``hurry`` (skip the grace period)."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.hurry = threading.Event()

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.stop.is_set():
            self.hurry.set()
        self.stop.set()
        logger.warning("received %s: stopping", signal.Signals(signum).name)

    @contextmanager
    def installed(self) -> Iterator[StopSignals]:
        """Handle SIGTERM/SIGINT while the block runs (main thread only), then restore."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {
            sig: signal.signal(sig, self._handle) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _fingerprint(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class SchedulerService:
    """One scheduler process; :meth:`run` returns its exit status."""

    def __init__(
        self,
        options: ServiceOptions,
        load: Callable[[], Catalogue],
        signals: StopSignals | None = None,
    ) -> None:
        self.options = options
        self.load = load
        self.signals = signals or StopSignals()
        self.metrics = Metrics()

    def run(self) -> int:
        settings = self.options.settings
        catalogue = self.load()
        store = open_store(settings.db_url)
        lease = Lease(store.engine, ttl=timedelta(seconds=self.options.lease_ttl))
        try:
            if not self._take(lease):
                return 0
            return self._own(store.engine, lease, catalogue)
        finally:
            store.close()

    def _take(self, lease: Lease) -> bool:
        """Hold the lease: at once, or (standby) as soon as the owner stops renewing it."""
        if not self.options.standby:
            lease.acquire()
            return True
        while not lease.try_acquire():
            current = lease.current()
            logger.info("standby: %s holds the store", current.describe() if current else "?")
            if self.signals.stop.wait(max(self.options.poll, 1.0)):
                return False
        return True

    def _own(self, engine: Engine, lease: Lease, catalogue: Catalogue) -> int:
        options, settings = self.options, self.options.settings
        now = datetime.now(UTC)
        with engine.begin() as conn:
            left = records.interrupt_abandoned(
                conn, now, "interrupted: the scheduler that ran it stopped"
            )
        if left:
            logger.warning("marked %d crawls left running as interrupted: %s", len(left), left)
        logger.info("scheduler owns the store (lease %s, pid %s)", lease.holder, lease.pid)
        if options.metrics_port is not None:
            port = self.metrics.serve(options.metrics_port, options.metrics_addr)
            logger.info("metrics on http://%s:%d/metrics", options.metrics_addr, port)
        supervisor = Supervisor(settings, engine, self.metrics)
        jobs.install(jobs.Runtime(supervisor=supervisor, catalogue=catalogue))
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(WORKERS)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=UTC,
        )
        status = 0
        try:
            scheduler.start(paused=True)
            self._maintenance(scheduler)
            self._reconcile(scheduler, engine, catalogue)
            scheduler.resume()
            status = self._loop(scheduler, engine, lease)
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            grace = 0.0 if self.signals.hurry.is_set() or status else options.grace
            stopped = supervisor.stop(grace)
            if stopped:
                logger.warning(
                    "stopped %d crawls after the grace period: %s", len(stopped), stopped
                )
            jobs.install(None)
            lease.release()
            self.metrics.close()
            logger.info("scheduler stopped")
        return status

    def _maintenance(self, scheduler: BackgroundScheduler) -> None:
        for jid, ref, schedule in MAINTENANCE:
            interval = parse_interval(schedule)
            trigger = (
                IntervalTrigger(seconds=int(interval.total_seconds()))
                if interval
                else CronTrigger.from_crontab(schedule, timezone=UTC)
            )
            scheduler.add_job(ref, trigger, id=jid, name=jid, replace_existing=True)

    def _reconcile(
        self, scheduler: BackgroundScheduler, engine: Engine, catalogue: Catalogue
    ) -> None:
        now = datetime.now(UTC)
        with engine.connect() as conn:
            last = records.last_started(conn)
        done = jobs.reconcile(
            scheduler, catalogue, last_started=last, now=now, jitter_cap=self.options.jitter_cap
        )
        logger.info(
            "jobs reconciled with the catalogue: %d added, %d changed, %d removed, %d kept, "
            "%d due now",
            len(done.added),
            len(done.changed),
            len(done.removed),
            len(done.kept),
            len(done.due_now),
        )
        self._gauges(engine, catalogue)

    def _gauges(self, engine: Engine, catalogue: Catalogue) -> None:
        """Refresh the health snapshot and the per-source gauges (states change with time)."""
        now = datetime.now(UTC)
        policy = self.options.settings.policy
        healths = snapshot.refresh(engine, catalogue.enabled(), now=now, policy=policy)
        self.metrics.observe_health(healths, now)

    def _loop(self, scheduler: BackgroundScheduler, engine: Engine, lease: Lease) -> int:
        """Heartbeat, catalogue watch and gauges until a stop signal; 1 if the lease was lost."""
        path = self.options.settings.catalogue
        seen = _fingerprint(path)
        last_gauges = time.monotonic()
        while not self.signals.stop.wait(self.options.poll):
            try:
                if not lease.renew():
                    logger.error("lease lost (another scheduler took over the store): stopping")
                    return 1
            except SQLAlchemyError as exc:
                logger.error("cannot renew the lease (store unreachable?): %s", exc)
                continue
            runtime = jobs._runtime
            current = _fingerprint(path)
            if current != seen:
                seen = current
                try:
                    catalogue = self.load()
                except CatalogueError as exc:
                    logger.error("catalogue changed but cannot be used, keeping it: %s", exc)
                    continue
                if runtime is not None:
                    runtime.catalogue = catalogue
                logger.info("catalogue changed: reconciling jobs")
                self._reconcile(scheduler, engine, catalogue)
            elif runtime is not None and time.monotonic() - last_gauges > GAUGE_EVERY:
                last_gauges = time.monotonic()
                self._gauges(engine, runtime.catalogue)
        return 0
