"""Judging a source from its recent runs: failing, degraded, stale or healthy, and why.

Pure functions over :class:`RunView` records (newest first), so the rules are tested without a
database and the crawl can ask :func:`run_problems` before it closes offers: a crawl with a
problem (the signature of a board that changed its layout) must close nothing.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from schedules.policy import KEY_FIELDS, HealthPolicy

SUCCESS = frozenset({"ok", "partial"})
STATES: tuple[str, ...] = ("healthy", "stale", "degraded", "failing")
ALERTING = frozenset({"failing", "degraded"})


@dataclass(frozen=True, slots=True)
class RunView:
    """The parts of a ``crawl_runs`` row health looks at."""

    id: int
    source: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    items: int = 0
    new: int = 0
    closed: int = 0
    parse_errors: int = 0
    error: str | None = None
    stats: dict[str, Any] | None = None

    @property
    def fill(self) -> dict[str, float]:
        """Fill rates of key fields; empty when the run parsed no posting.

        Every posting has a title (the schema requires one), so a title fill of 0 means the
        rates were computed over nothing (say, every posting was unchanged and not re-read).
        """
        raw = (self.stats or {}).get("fill") or {}
        fill = {k: float(v) for k, v in raw.items() if isinstance(v, int | float)}
        return {} if fill.get("title") == 0 else fill

    @property
    def ended(self) -> datetime:
        return self.finished_at or self.started_at


@dataclass(slots=True)
class SourceHealth:
    """One source's state, the reason in words, and the figures behind it."""

    source: str
    state: str
    reason: str
    last_run_id: int | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    cooldown_until: datetime | None = None
    recent_yield: list[dict[str, int]] = field(default_factory=list)
    parse_error_rate: float | None = None
    fill: dict[str, float] = field(default_factory=dict)
    running: bool = False

    def cooling_down(self, now: datetime) -> bool:
        return self.cooldown_until is not None and self.cooldown_until > now


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def parse_error_rate(run: RunView) -> float | None:
    """Share of records the parser rejected (None when the run saw nothing)."""
    total = run.items + run.parse_errors
    return run.parse_errors / total if total else None


def run_problems(
    current: RunView, previous: Sequence[RunView], policy: HealthPolicy | None = None
) -> list[str]:
    """Why a finished crawl looks wrong compared with the source's previous successful runs."""
    policy = policy or HealthPolicy()
    problems: list[str] = []
    if current.status == "partial":
        problems.append(f"last run partial: {current.error or 'some requests failed'}")
    suspicious = (current.stats or {}).get("suspicious")
    usual = _median([r.items for r in previous])
    if suspicious:
        problems.append(str(suspicious))
    elif usual and current.items < usual * policy.yield_drop:
        problems.append(f"yield {current.items} is under half its recent median {usual:.0f}")
    rate = parse_error_rate(current)
    if rate is not None and rate > policy.parse_error_limit:
        problems.append(
            f"parse errors {rate:.0%} of records (limit {policy.parse_error_limit:.0%})"
        )
    fill = current.fill if current.items else {}  # an empty run's fill rates mean nothing
    for name in KEY_FIELDS:
        base = _median([r.fill[name] for r in previous if r.items and name in r.fill])
        value = fill.get(name)
        if value is None or base is None or base < policy.fill_floor:
            continue
        if value < base * policy.fill_drop:
            problems.append(f"{name} fill rate collapsed to {value:.0%} (usually {base:.0%})")
    return problems


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def assess(
    source: str,
    runs: Sequence[RunView],
    *,
    now: datetime,
    gap: timedelta | None,
    policy: HealthPolicy | None = None,
    known_since: datetime | None = None,
) -> SourceHealth:
    """The state of one source from its runs (newest first) and its schedule's usual gap."""
    policy = policy or HealthPolicy()
    finished = [r for r in runs if r.status != "running"]
    judged = [r for r in finished if r.status != "interrupted"]  # a stop is not the board's fault
    failures = 0
    for run in judged:
        if run.status != "failed":
            break
        failures += 1
    last_failure = next((r for r in judged if r.status == "failed"), None)
    successes = [r for r in judged if r.status in SUCCESS]
    last_success = successes[0] if successes else None
    cooldown = policy.cooldown_for(failures)
    health = SourceHealth(
        source=source,
        state="healthy",
        reason="",
        last_run_id=runs[0].id if runs else None,
        last_success_at=last_success.ended if last_success else None,
        last_failure_at=last_failure.ended if last_failure else None,
        last_error=last_failure.error if last_failure else None,
        consecutive_failures=failures,
        cooldown_until=last_failure.ended + cooldown if cooldown and last_failure else None,
        recent_yield=[
            {"run": r.id, "items": r.items, "new": r.new, "closed": r.closed} for r in successes
        ][:5],
        parse_error_rate=parse_error_rate(last_success) if last_success else None,
        fill=last_success.fill if last_success else {},
        running=any(r.status == "running" for r in runs),
    )
    if failures:
        error = (last_failure.error if last_failure else None) or "no error recorded"
        health.state = "failing"
        health.reason = f"{failures} failed run{'s' if failures > 1 else ''} in a row: {error}"
        if health.cooling_down(now) and health.cooldown_until is not None:
            health.reason += f"; cooling down until {health.cooldown_until:%Y-%m-%d %H:%M:%S}Z"
        return health
    problems = (
        run_problems(last_success, successes[1 : policy.window], policy) if last_success else []
    )
    if problems:
        health.state, health.reason = "degraded", "; ".join(problems)
        return health
    if gap is not None:
        limit = gap * policy.stale_factor
        if last_success is None:
            if known_since is None or now - known_since > limit:
                health.state, health.reason = "stale", "no successful run yet"
            else:
                health.reason = "new source, not crawled yet"
            return health
        if now - last_success.ended > limit:
            health.state = "stale"
            health.reason = (
                f"no successful run for {_age(now - last_success.ended)} "
                f"(expected every {_age(gap)})"
            )
            return health
    if last_success is not None:
        health.reason = f"last run {last_success.status}: {last_success.items} offers"
    return health
