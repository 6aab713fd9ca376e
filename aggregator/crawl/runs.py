"""Crawl run records: opened before a crawl, closed with its counts and outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from aggregator.store.models import CrawlRun, Source, table_of


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
