"""Health of every catalogue source, computed from ``crawl_runs`` and kept in ``source_health``.

``crawl_runs`` is the truth; ``source_health`` is its latest reading, refreshed after every
run by the scheduler (and by ``aggregator health``), so dashboards and the API can read one
row per source without recomputing medians.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert

from aggregator.catalogue import Catalogue, SourceEntry
from schedules.due import usual_gap
from schedules.health import SUCCESS, RunView, SourceHealth, assess, run_problems
from schedules.policy import HealthPolicy
from schedules.records import known_since, recent_runs
from schedules.tables import source_health


def assess_sources(
    conn: Connection,
    entries: Sequence[SourceEntry],
    *,
    now: datetime,
    policy: HealthPolicy | None = None,
) -> list[SourceHealth]:
    """One :class:`SourceHealth` per entry, in catalogue order."""
    policy = policy or HealthPolicy()
    runs = recent_runs(conn, [e.key for e in entries], per_source=policy.window)
    since = known_since(conn)
    return [
        assess(
            entry.key,
            runs.get(entry.key, []),
            now=now,
            gap=usual_gap(entry, now),
            policy=policy,
            known_since=since.get(entry.key),
        )
        for entry in entries
    ]


def save(conn: Connection, healths: Sequence[SourceHealth], now: datetime) -> None:
    """Replace the stored readings of these sources."""
    if not healths:
        return
    conn.execute(
        delete(source_health).where(source_health.c.source.in_([h.source for h in healths]))
    )
    conn.execute(
        insert(source_health),
        [
            {
                "source": h.source,
                "state": h.state,
                "reason": h.reason,
                "last_run_id": h.last_run_id,
                "last_success_at": h.last_success_at,
                "last_failure_at": h.last_failure_at,
                "last_error": h.last_error,
                "consecutive_failures": h.consecutive_failures,
                "cooldown_until": h.cooldown_until,
                "recent_yield": h.recent_yield,
                "parse_error_rate": h.parse_error_rate,
                "fill": h.fill,
                "updated_at": now,
            }
            for h in healths
        ],
    )


def refresh(
    engine: Engine,
    catalogue: Catalogue | Sequence[SourceEntry],
    *,
    now: datetime,
    policy: HealthPolicy | None = None,
) -> list[SourceHealth]:
    """Assess the given sources and store the result, in one transaction."""
    entries = list(catalogue)
    with engine.begin() as conn:
        healths = assess_sources(conn, entries, now=now, policy=policy)
        save(conn, healths, now)
    return healths


def crawl_problems(
    conn: Connection,
    source: str,
    *,
    status: str,
    items: int,
    parse_errors: int,
    stats: dict[str, Any],
    policy: HealthPolicy | None = None,
) -> list[str]:
    """For the crawl, before it closes offers: why this finished crawl looks degraded.

    Compares it with the source's recent successful runs (yield, parse errors, fill rates of
    key fields); a non-empty answer means the crawl must close nothing.
    """
    policy = policy or HealthPolicy()
    previous = recent_runs(conn, [source], per_source=policy.window + 1).get(source, [])
    current = RunView(
        id=0,
        source=source,
        status=status,
        started_at=datetime.now(UTC),
        items=items,
        parse_errors=parse_errors,
        stats=stats,
    )
    successes = [r for r in previous if r.status in SUCCESS][: policy.window]
    return run_problems(current, successes, policy)
