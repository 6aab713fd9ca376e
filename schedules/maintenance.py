"""Maintenance jobs the scheduler runs besides crawls: expiry sweep and database upkeep.

Like crawl jobs they take no argument the job store would have to keep: they use the engine
of the running scheduler (:mod:`schedules.jobs` runtime). More jobs (the analysts' daily
snapshot, once it exists) are one line in :data:`MAINTENANCE`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from aggregator.crawl.expiry import close_expired

logger = logging.getLogger("aggregator.schedules.maintenance")

# (job id, "module:function", schedule in the catalogue's syntax)
MAINTENANCE: tuple[tuple[str, str, str], ...] = (
    ("maintenance:expiry", "schedules.maintenance:expiry_job", "1h"),
    ("maintenance:upkeep", "schedules.maintenance:upkeep_job", "30 3 * * *"),
)


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
