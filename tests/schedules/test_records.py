"""Run history queries and corrections, and the stored health snapshot, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from aggregator.catalogue import load_catalogue
from aggregator.crawl.runs import close_run, open_run, register_source
from aggregator.store.database import Store
from schedules import records
from schedules.snapshot import crawl_problems, refresh
from schedules.tables import source_health
from tests.schedules.conftest import write_catalogue

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FILL = {"title": 1.0, "company": 0.9, "location": 0.8, "salary": 0.4, "date": 1.0}


def _runs(store: Store, source: str, statuses: list[str], start: datetime = T0) -> list[int]:
    ids = []
    with store.engine.begin() as conn:
        register_source(conn, source, name=source, kind="feed", priority=0, enabled=True, now=T0)
        for n, status in enumerate(statuses):
            started = start + timedelta(hours=n)
            run_id = open_run(conn, source, started)
            if status != "running":
                close_run(
                    conn,
                    run_id,
                    started + timedelta(minutes=3),
                    status=status,
                    items=100 if status == "ok" else 0,
                    error="HTTP 500" if status == "failed" else None,
                    stats={"fill": FILL},
                )
            ids.append(run_id)
    return ids


def test_recent_runs_are_per_source_newest_first_and_limited(store: Store) -> None:
    _runs(store, "a", ["ok"] * 5 + ["failed"])
    _runs(store, "b", ["ok", "running"])
    with store.engine.connect() as conn:
        runs = records.recent_runs(conn, per_source=3)
        last = records.last_started(conn)
    assert [r.status for r in runs["a"]] == ["failed", "ok", "ok"]
    assert [r.status for r in runs["b"]] == ["running", "ok"]
    assert runs["a"][0].started_at == T0 + timedelta(hours=5)
    assert last == {"a": T0 + timedelta(hours=5), "b": T0 + timedelta(hours=1)}


def test_abandoned_runs_are_interrupted_and_closed_runs_stay_closed(store: Store) -> None:
    ids = _runs(store, "a", ["ok", "running"])
    with store.engine.begin() as conn:
        assert records.interrupt_abandoned(conn, T0, "scheduler died") == [ids[1]]
        assert not records.finish_run(conn, ids[0], "failed", "late", T0)
        runs = records.runs_after(conn, "a", 0)
    assert [(r.status, r.error) for r in runs] == [("ok", None), ("interrupted", "scheduler died")]


def test_a_crawl_that_died_before_its_row_gets_a_failed_run(store: Store) -> None:
    with store.engine.begin() as conn:
        before = records.last_run_id(conn)
        records.record_failure(
            conn, "new-src", name="New", kind="feed", started=T0, now=T0, error="exit 3"
        )
        runs = records.runs_after(conn, "new-src", before)
    assert [(r.status, r.error, r.finished_at) for r in runs] == [("failed", "exit 3", T0)]


def test_health_snapshot_is_stored_per_catalogue_source(store: Store, tmp_path: Path) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path / "c.yaml", {"a": "1h", "b": "1h"}))
    _runs(store, "a", ["ok", "failed", "failed", "failed"])
    now = T0 + timedelta(hours=4)
    healths = refresh(store.engine, catalogue, now=now)
    assert [(h.source, h.state) for h in healths] == [("a", "failing"), ("b", "stale")]
    refresh(store.engine, catalogue, now=now)  # replaces, never duplicates
    with store.engine.connect() as conn:
        rows = {r.source: r for r in conn.execute(select(source_health))}
    assert set(rows) == {"a", "b"}
    assert rows["a"].consecutive_failures == 3
    assert rows["a"].cooldown_until == T0 + timedelta(hours=3, minutes=3) + timedelta(hours=6)
    assert rows["a"].last_error == "HTTP 500" and rows["a"].fill == FILL
    assert rows["b"].reason == "no successful run yet"


def test_crawl_problems_tell_the_crawl_not_to_close(store: Store) -> None:
    _runs(store, "a", ["ok", "ok", "ok", "running"])
    collapsed = {**FILL, "company": 0.0}
    with store.engine.connect() as conn:
        fine = crawl_problems(
            conn, "a", status="ok", items=98, parse_errors=0, stats={"fill": FILL}
        )
        layout = crawl_problems(
            conn, "a", status="ok", items=98, parse_errors=0, stats={"fill": collapsed}
        )
    assert fine == []
    assert layout == ["company fill rate collapsed to 0% (usually 90%)"]
