"""Crawl run records: opened before a crawl, closed with its counts and outcome."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from aggregator.store.models import CrawlRun, Source, table_of

RUN_HISTORY = 5
SUSPICIOUS_DROP = 0.5


def register_source(
    conn: Connection,
    key: str,
    *,
    name: str,
    kind: str | None,
    priority: int,
    enabled: bool,
    now: datetime,
) -> None:
    """Insert or refresh a catalogue source in the store (a source's row carries its priority)."""
    table = table_of(Source)
    exists = conn.scalar(select(table.c.key).where(table.c.key == key))
    values = {
        "name": name,
        "kind": kind,
        "priority": priority,
        "enabled": enabled,
        "external": False,
    }
    if exists:
        conn.execute(update(table).where(table.c.key == key).values(**values))
    else:
        conn.execute(insert(table).values(key=key, created_at=now, **values))


def open_run(conn: Connection, source: str, now: datetime, *, trigger: str = "crawl") -> int:
    """A run in state ``running``; returns its id."""
    table = table_of(CrawlRun)
    run_id: int = conn.execute(
        insert(table)
        .values(source=source, trigger=trigger, status="running", started_at=now)
        .returning(table.c.id)
    ).scalar_one()
    return run_id


def close_run(conn: Connection, run_id: int, now: datetime, **values: Any) -> None:
    """Record how a run ended (status, counts, error, stats)."""
    table = table_of(CrawlRun)
    conn.execute(update(table).where(table.c.id == run_id).values(finished_at=now, **values))


def usual_yield(conn: Connection, source: str) -> float | None:
    """Median number of postings seen by the source's recent successful runs."""
    table = table_of(CrawlRun)
    counts = list(
        conn.scalars(
            select(table.c["items"])
            .where(table.c.source == source, table.c.status == "ok", table.c.trigger == "crawl")
            .order_by(table.c.started_at.desc())
            .limit(RUN_HISTORY)
        )
    )
    return statistics.median(counts) if counts else None


def suspicious_reason(seen: int, usual: float | None) -> str | None:
    """Why a complete crawl should still close nothing (a board that suddenly shrank)."""
    if usual is None or usual == 0:
        return None
    if seen == 0:
        return f"returned no offers (usually {usual:.0f})"
    if seen < usual * SUSPICIOUS_DROP:
        return f"returned {seen} offers, under half its usual {usual:.0f}"
    return None
