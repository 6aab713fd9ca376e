"""The scheduler's daily snapshot: one folder per day, as of 00:00 UTC, the last N kept.

A day's snapshot is taken as of the start of that day (UTC), not of the moment the job runs:
a run that was missed and coalesced later in the day writes the very same files, and two
machines produce identical folders. Only folders named ``snapshot-YYYY-MM-DD`` are ever pruned.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, time
from pathlib import Path

from aggregator.export import export_offers
from aggregator.snapshots.filters import SnapshotFilters
from aggregator.store.database import Store

_NAME = re.compile(r"^snapshot-\d{4}-\d{2}-\d{2}$")


def daily_name(day: datetime) -> str:
    """The folder name of the snapshot of ``day`` (its UTC date)."""
    return f"snapshot-{day.astimezone(UTC):%Y-%m-%d}"


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest daily snapshots in ``folder``; returns those removed."""
    days = sorted(p for p in folder.iterdir() if p.is_dir() and _NAME.match(p.name))
    doomed = days[: max(len(days) - keep, 0)]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


def write_daily_snapshot(
    store: Store,
    folder: Path,
    *,
    keep: int,
    fmt: str = "parquet",
    filters: SnapshotFilters | None = None,
    now: datetime | None = None,
) -> Path:
    """Write today's snapshot (as of 00:00 UTC) unless it exists, then keep the ``keep`` newest."""
    if keep < 1:
        raise ValueError("keep at least one snapshot")
    today = (now or datetime.now(UTC)).astimezone(UTC)
    midnight = datetime.combine(today.date(), time.min, tzinfo=UTC)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / daily_name(midnight)
    if not out.exists():
        export_offers(store, out, fmt, filters=filters, as_of=midnight, progress=False)
    prune(folder, keep)
    return out
