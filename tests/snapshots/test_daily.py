"""The scheduler's daily snapshot: as of midnight UTC, idempotent, the last N kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from aggregator.snapshots.daily import write_daily_snapshot
from aggregator.store.database import Store
from tests.snapshots.helpers import folder_bytes, read_table, tick
from tests.store.postings_factory import full_posting

DAY1 = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)


def test_one_folder_per_day_as_of_midnight_and_the_last_n_kept(
    store: Store, tmp_path: Path
) -> None:
    snapshots = tmp_path / "daily"
    snapshots.mkdir()
    (snapshots / "notes").mkdir()  # not a snapshot: never pruned
    for day in range(4):
        midnight = DAY1 + timedelta(days=day)
        tick(store, midnight - timedelta(hours=2), [full_posting(day)])
        tick(store, midnight + timedelta(hours=1), [full_posting(100 + day)])  # after midnight
        first = write_daily_snapshot(store, snapshots, keep=2, now=midnight + timedelta(hours=3))
        copy = folder_bytes(first)
        again = write_daily_snapshot(store, snapshots, keep=2, now=midnight + timedelta(hours=9))
        assert again == first and folder_bytes(again) == copy
        manifest = orjson.loads((first / "manifest.json").read_bytes())
        assert manifest["as_of"] == f"{midnight:%Y-%m-%d}T00:00:00Z"
        ids = {o["source_offer_id"] for o in read_table(first, "parquet", "offers")}
        assert ids == {f"FR-{d:06d}" for d in range(day + 1)} | {
            f"FR-{100 + d:06d}" for d in range(day)
        }
    assert sorted(p.name for p in snapshots.iterdir()) == [
        "notes",
        "snapshot-2026-09-03",
        "snapshot-2026-09-04",
    ]
