"""Jobs derived from the catalogue: ids, schedule changes, removal, and when a source is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from aggregator.catalogue import load_catalogue
from schedules.due import is_due, jitter_for, next_due, usual_gap
from schedules.jobs import reconcile
from tests.schedules.conftest import write_catalogue

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    paused = BackgroundScheduler(timezone=UTC)
    paused.start(paused=True)
    yield paused
    paused.shutdown(wait=False)


def test_reconcile_adds_changes_and_removes_jobs_by_source_key(
    scheduler: BackgroundScheduler, tmp_path: Path
) -> None:
    path = tmp_path / "c.yaml"
    first = load_catalogue(write_catalogue(path, {"a": "6h", "b": "0 */3 * * *", "c": "1d"}))
    now = datetime.now(UTC)
    done = reconcile(scheduler, first, last_started={"a": now - timedelta(hours=1)}, now=now)
    assert sorted(done.added) == ["crawl:a", "crawl:b", "crawl:c"]
    assert sorted(done.due_now) == ["crawl:b", "crawl:c"]  # never ran
    job_a = scheduler.get_job("crawl:a")
    assert job_a.args == ("a",)  # the key, and nothing else, is stored with the job
    assert job_a.next_run_time == now + timedelta(hours=5)  # six hours after its last start
    again = reconcile(scheduler, first, last_started={"a": now - timedelta(hours=1)}, now=now)
    assert again.added == [] and len(again.kept) == 3 and len(scheduler.get_jobs()) == 3

    second = load_catalogue(write_catalogue(path, {"a": "30m", "b": "0 */3 * * *"}))
    done = reconcile(scheduler, second, last_started={"a": now - timedelta(hours=1)}, now=now)
    assert done.changed == ["crawl:a"] and done.removed == ["crawl:c"]
    assert "'30m'" in scheduler.get_job("crawl:a").name
    assert sorted(j.id for j in scheduler.get_jobs()) == ["crawl:a", "crawl:b"]


def test_due_follows_the_interval_or_the_cron_after_the_last_start(tmp_path: Path) -> None:
    catalogue = load_catalogue(
        write_catalogue(tmp_path / "c.yaml", {"every": "6h", "cron": "0 */3 * * *"})
    )
    every, cron = catalogue.get("every"), catalogue.get("cron")
    assert next_due(every, None, NOW) == NOW
    assert next_due(every, NOW - timedelta(hours=2), NOW) == NOW + timedelta(hours=4)
    assert is_due(every, NOW - timedelta(hours=7), NOW)
    assert next_due(cron, NOW - timedelta(minutes=10), NOW) == NOW.replace(hour=12)
    assert next_due(cron, NOW, NOW) == NOW.replace(hour=15)
    assert usual_gap(cron, NOW) == timedelta(hours=3)
    assert jitter_for(every) == 300 and jitter_for(cron) == 300
    short = load_catalogue(write_catalogue(tmp_path / "s.yaml", {"s": "1m"})).get("s")
    assert jitter_for(short) == 3
