"""When a source is next due, from its catalogue schedule and when it last started.

Shared by the scheduler (to coalesce runs missed while it was down into one run now) and by
``aggregator run-once`` (cron or a Kubernetes CronJob runs it; it crawls what is due).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from aggregator.catalogue import SourceEntry

MAX_JITTER = timedelta(minutes=5)
JITTER_SHARE = 0.05  # of the interval: 6 h -> up to 5 min, 1 min -> 3 s


def jitter_for(entry: SourceEntry, cap: timedelta = MAX_JITTER) -> int:
    """Seconds of random delay for a source's runs, so 70 sources do not all start at once."""
    gap = usual_gap(entry)
    return int(min(gap * JITTER_SHARE, cap).total_seconds())


def trigger_for(entry: SourceEntry, jitter: int) -> BaseTrigger:
    """The APScheduler trigger of a catalogue schedule (cron fields are read in UTC)."""
    interval = entry.interval
    if interval is not None:
        return IntervalTrigger(seconds=int(interval.total_seconds()), jitter=jitter or None)
    trigger = CronTrigger.from_crontab(entry.schedule, timezone=UTC)
    trigger.jitter = jitter or None
    return trigger


def usual_gap(entry: SourceEntry, now: datetime | None = None) -> timedelta:
    """Time between two runs: the interval, or the gap between a cron's next two firings."""
    if entry.interval is not None:
        return entry.interval
    trigger = CronTrigger.from_crontab(entry.schedule, timezone=UTC)
    start = now or datetime.now(UTC)
    first = trigger.get_next_fire_time(None, start)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    if first is None or second is None:
        return timedelta(days=1)
    return second - first


def next_due(entry: SourceEntry, last_started: datetime | None, now: datetime) -> datetime:
    """When the source should run next: now if it never ran, else one schedule step later."""
    if last_started is None:
        return now
    if entry.interval is not None:
        return last_started + entry.interval
    trigger = CronTrigger.from_crontab(entry.schedule, timezone=UTC)
    fire = trigger.get_next_fire_time(None, last_started + timedelta(seconds=1))
    return fire or now


def is_due(entry: SourceEntry, last_started: datetime | None, now: datetime) -> bool:
    """True when the source's next run time has come (missed runs count once)."""
    return next_due(entry, last_started, now) <= now
