"""Maintenance jobs the scheduler runs besides crawls: expiry sweep and database upkeep.

Like crawl jobs they take no argument the job store would have to keep: they use the engine
of the running scheduler (:mod:`schedules.jobs` runtime). More jobs (the analysts' daily
snapshot) are one line each in :data:`MAINTENANCE`.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from aggregator.crawl.expiry import close_expired

logger = logging.getLogger("aggregator.schedules.maintenance")

# (job id, "module:function", schedule in the catalogue's syntax)
MAINTENANCE: tuple[tuple[str, str, str], ...] = (
    ("maintenance:expiry", "schedules.maintenance:expiry_job", "1h"),
    ("maintenance:upkeep", "schedules.maintenance:upkeep_job", "30 3 * * *"),
    ("maintenance:snapshot", "schedules.maintenance:snapshot_job", "15 0 * * *"),
)
SNAPSHOT_DIR_ENV = "AGGREGATOR_SNAPSHOT_DIR"
SNAPSHOT_KEEP_ENV = "AGGREGATOR_SNAPSHOT_KEEP"


def expire_postings(engine: Engine, now: datetime | None = None) -> int:
    """Close open postings whose ``valid_through`` has passed (their offers are refreshed)."""
    with engine.begin() as conn:
        return close_expired(conn, now or datetime.now(UTC))


def upkeep(engine: Engine) -> None:
    """Keep the planner's statistics fresh (and SQLite's WAL file short)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("PRAGMA optimize"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def _engine() -> Engine:
    from schedules import jobs

    runtime = jobs._runtime
    if runtime is None:
        raise RuntimeError("no scheduler runtime installed in this process")
    return runtime.supervisor.engine


def expiry_job() -> None:
    """Scheduled: the expiry sweep."""
    closed = expire_postings(_engine())
    logger.info("expiry sweep closed %d postings past their valid_through", closed)


def upkeep_job() -> None:
    """Scheduled: database upkeep."""
    upkeep(_engine())
    logger.info("database upkeep done")


def snapshot_job() -> None:
    """Scheduled: the analysts' daily snapshot (as of 00:00 UTC) into ``$AGGREGATOR_SNAPSHOT_DIR``,
    keeping the newest ``$AGGREGATOR_SNAPSHOT_KEEP`` (default 30); off when the folder is unset."""
    folder = os.environ.get(SNAPSHOT_DIR_ENV)
    if not folder:
        logger.info("daily snapshot skipped: %s is not set", SNAPSHOT_DIR_ENV)
        return
    from aggregator.snapshots.daily import write_daily_snapshot
    from aggregator.store.database import Store

    engine = _engine()
    store = Store(url=engine.url.render_as_string(hide_password=True), engine=engine)
    keep = int(os.environ.get(SNAPSHOT_KEEP_ENV) or 30)
    path = write_daily_snapshot(store, Path(folder), keep=keep)
    logger.info("daily snapshot at %s (keeping the newest %d)", path, keep)
