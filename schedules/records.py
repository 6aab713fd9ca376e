"""Reading and correcting ``crawl_runs`` for operations.

The crawl child opens and closes its own run row; the scheduler only steps in when the child
could not: a child killed or timed out leaves its row ``running`` (recorded ``failed``), one
stopped at shutdown is recorded ``interrupted``, and one that died before opening a row gets a
``failed`` row so the failure still counts for health and the circuit breaker.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, func, select, update

from aggregator.crawl.runs import open_run, register_source
from aggregator.store.models import CrawlRun, Source
from schedules.health import RunView

_RUNS = cast(Table, CrawlRun.__table__)
_SOURCES = cast(Table, Source.__table__)
CRAWL = "crawl"


def _view(row: object) -> RunView:
    m = row._mapping  # type: ignore[attr-defined]
    return RunView(
        id=m["id"],
        source=m["source"],
        status=m["status"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
        items=m["items"] or 0,
        new=m["new"] or 0,
        closed=m["closed"] or 0,
        parse_errors=m["parse_errors"] or 0,
        error=m["error"],
        stats=m["stats"],
    )


def recent_runs(
    conn: Connection, sources: Iterable[str] | None = None, *, per_source: int = 10
) -> dict[str, list[RunView]]:
    """The newest crawl runs of each source, newest first (one query, a window function)."""
    rank = (
        func.row_number()
        .over(partition_by=_RUNS.c.source, order_by=(_RUNS.c.started_at.desc(), _RUNS.c.id.desc()))
        .label("rank")
    )
    inner = select(_RUNS, rank).where(_RUNS.c.trigger == CRAWL)
    if sources is not None:
        inner = inner.where(_RUNS.c.source.in_(list(sources)))
    ranked = inner.subquery()
    rows = conn.execute(
        select(ranked).where(ranked.c.rank <= per_source).order_by(ranked.c.source, ranked.c.rank)
    )
    runs: dict[str, list[RunView]] = {}
    for row in rows:
        view = _view(row)
        runs.setdefault(view.source, []).append(view)
    return runs


def history(conn: Connection, source: str | None = None, limit: int = 20) -> list[RunView]:
    """The newest runs (of one source or all), newest first, for ``aggregator runs``."""
    query = select(_RUNS).order_by(_RUNS.c.started_at.desc(), _RUNS.c.id.desc()).limit(limit)
    if source is not None:
        query = query.where(_RUNS.c.source == source)
    return [_view(row) for row in conn.execute(query)]


def last_run_id(conn: Connection) -> int:
    """The newest run id of the store (0 when empty): runs opened later have larger ids."""
    return int(conn.scalar(select(func.max(_RUNS.c.id))) or 0)


def runs_after(conn: Connection, source: str, after_id: int) -> list[RunView]:
    """Crawl runs of a source opened after run ``after_id`` (those a child opened), oldest first."""
    rows = conn.execute(
        select(_RUNS)
        .where(_RUNS.c.source == source, _RUNS.c.trigger == CRAWL, _RUNS.c.id > after_id)
        .order_by(_RUNS.c.id)
    )
    return [_view(row) for row in rows]


def running_since(conn: Connection, source: str, since: datetime) -> bool:
    """True when a crawl of the source (from any process) is running and started after ``since``."""
    found = conn.scalar(
        select(_RUNS.c.id).where(
            _RUNS.c.source == source,
            _RUNS.c.trigger == CRAWL,
            _RUNS.c.status == "running",
            _RUNS.c.started_at >= since,
        )
    )
    return found is not None


def finish_run(conn: Connection, run_id: int, status: str, error: str, now: datetime) -> bool:
    """Close a run the child left ``running``; False when it had been closed meanwhile."""
    done = conn.execute(
        update(_RUNS)
        .where(_RUNS.c.id == run_id, _RUNS.c.status == "running")
        .values(status=status, error=error, finished_at=now)
    ).rowcount
    return done == 1


def interrupt_abandoned(conn: Connection, now: datetime, reason: str) -> list[int]:
    """Mark every crawl still ``running`` as ``interrupted`` (its scheduler died)."""
    ids = list(
        conn.scalars(
            select(_RUNS.c.id).where(_RUNS.c.status == "running", _RUNS.c.trigger == CRAWL)
        )
    )
    if ids:
        conn.execute(
            update(_RUNS)
            .where(_RUNS.c.id.in_(ids), _RUNS.c.status == "running")
            .values(status="interrupted", error=reason, finished_at=now)
        )
    return ids


def record_failure(
    conn: Connection,
    source: str,
    *,
    name: str,
    kind: str | None,
    started: datetime,
    now: datetime,
    error: str,
) -> int:
    """A ``failed`` run for a crawl that died before opening its own row."""
    if conn.scalar(select(_SOURCES.c.key).where(_SOURCES.c.key == source)) is None:
        register_source(conn, source, name=name, kind=kind, priority=0, enabled=True, now=now)
    run_id = open_run(conn, source, started)
    conn.execute(
        update(_RUNS)
        .where(_RUNS.c.id == run_id)
        .values(status="failed", error=error, finished_at=now)
    )
    return run_id


def last_started(conn: Connection) -> dict[str, datetime]:
    """When each source's newest crawl started, for scheduling.

    An interrupted crawl did not do its work, so it does not count: the source is due again.
    """
    rows = conn.execute(
        select(_RUNS.c.source, func.max(_RUNS.c.started_at))
        .where(_RUNS.c.trigger == CRAWL, _RUNS.c.status != "interrupted")
        .group_by(_RUNS.c.source)
    )
    return {source: started for source, started in rows}


def known_since(conn: Connection) -> dict[str, datetime]:
    """When each source was first registered in the store."""
    rows = conn.execute(select(_SOURCES.c.key, _SOURCES.c.created_at))
    return {key: created for key, created in rows}
