"""The real scheduler process, with short intervals and a fast stand-in for the crawl.

Each test starts ``aggregator scheduler`` as a child process on a fresh SQLite store and
reads the outcome where ops would: the ``crawl_runs`` table and the scheduler's JSON log.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import time
from datetime import datetime

from sqlalchemy import func, select

from aggregator.store.database import open_store
from schedules.maintenance import MAINTENANCE
from schedules.tables import apscheduler_jobs, scheduler_lease
from tests.schedules.conftest import Ops, all_runs, running_ids, wait_for, write_catalogue


def _overlaps(runs: list) -> bool:
    spans = sorted((r.started_at, r.finished_at) for r in runs)
    return any(nxt[0] < cur[1] for cur, nxt in itertools.pairwise(spans))


def _count(url: str, table: object) -> int:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]
    finally:
        store.close()


def _fired(log: str, source: str) -> list[datetime]:
    """When the scheduler started crawls of ``source``, from its JSON log."""
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [
        datetime.fromisoformat(x["ts"])
        for x in lines
        if x["source"] == source and x["msg"].startswith("crawl started")
    ]


def test_jobs_fire_on_time_never_overlap_and_missed_runs_coalesce_after_a_restart(ops: Ops) -> None:
    write_catalogue(ops.catalogue, {"quick": "2s", "slow": "1s", "daily": "1d"})
    ops.plan({"slow": {"sleep": 2.5}})
    process = ops.start()
    wait_for(lambda: len(_fired(ops.log(), "quick")) >= 4, 20)
    assert ops.stop(process) == 0
    fired = _fired(ops.log(), "quick")
    steps = [(t - fired[0]).total_seconds() / 2 for t in fired]
    assert all(abs(step - round(step)) < 0.25 for step in steps), steps  # on the 2 s grid
    assert [round(s) for s in steps] == sorted({round(s) for s in steps})  # each slot once
    runs = all_runs(ops.url)
    slow = [r for r in runs if r.source == "slow"]
    assert len(slow) >= 2 and not _overlaps(slow)  # due every 1 s, but one at a time
    assert [r.source for r in runs].count("daily") == 1  # never ran: due at once, then tomorrow
    assert {r.status for r in runs} <= {"ok", "interrupted"}
    assert _count(ops.url, scheduler_lease) == 0  # released on a clean stop

    time.sleep(4.5)  # quick and slow miss two or more runs each while it is down
    before = len(all_runs(ops.url))
    restarted = ops.start(log="restart.log")
    wait_for(lambda: _fired(ops.log("restart.log"), "quick"), 20)
    time.sleep(1.2)
    assert ops.stop(restarted) == 0
    log = ops.log("restart.log")
    assert len(_fired(log, "quick")) == 1  # the missed runs coalesced into one
    assert len(_fired(log, "slow")) == 1
    assert _fired(log, "daily") == []  # its next run is tomorrow, not at every restart
    assert "daily" not in [r.source for r in all_runs(ops.url)[before:]]
    assert _count(ops.url, apscheduler_jobs) == 3 + len(MAINTENANCE)  # per source + upkeep
    line = next(json.loads(x) for x in log.splitlines() if "jobs reconciled" in x)
    assert "0 added" in line["msg"] and "3 kept" in line["msg"]


def test_a_second_scheduler_refuses_and_a_standby_takes_over(ops: Ops) -> None:
    write_catalogue(ops.catalogue, {"src": "1d"})
    first = ops.start("--lease-ttl", "3s")
    wait_for(lambda: "owns the store" in ops.log(), 10)
    second = ops.start(log="second.log")
    assert second.wait(timeout=15) == 2
    assert "error: another scheduler owns this store: pid" in ops.log("second.log")
    standby = ops.start("--standby", log="standby.log")
    wait_for(lambda: "standby:" in ops.log("standby.log"), 10)
    assert "owns the store" not in ops.log("standby.log")
    first.send_signal(signal.SIGKILL)  # dies without releasing: the lease must expire first
    first.wait()
    wait_for(lambda: "owns the store" in ops.log("standby.log"), 15)
    assert ops.stop(standby) == 0
    assert [r.source for r in all_runs(ops.url)] == ["src"]  # the source ran once, not twice


def test_sigterm_lets_crawls_finish_within_the_grace_then_interrupts(ops: Ops) -> None:
    write_catalogue(ops.catalogue, {"short": "1d", "long": "1d"})
    ops.plan({"short": {"sleep": 1.5}, "long": {"sleep": 60}})
    process = ops.start("--grace", "3s")
    wait_for(lambda: len(running_ids(ops.url)) == 2, 10)
    began = time.monotonic()
    assert ops.stop(process) == 0
    assert time.monotonic() - began < 15
    runs = {r.source: r for r in all_runs(ops.url)}
    assert runs["short"].status == "ok"  # finished inside the grace period
    assert runs["long"].status == "interrupted"
    assert runs["long"].error == "scheduler stopping: crawl stopped after the grace period"
    assert not any(_alive(pid) for pid in ops.child_pids("long"))


def test_killed_timed_out_and_crashed_children_are_recorded_failed(ops: Ops) -> None:
    write_catalogue(ops.catalogue, {"killed": "1d", "hung": "1d", "crash": "1d"})
    ops.plan({"killed": {"sleep": 60}, "hung": {"sleep": 60}, "crash": {"no_row": True}})
    process = ops.start("--time-limit", "3s")
    pid = wait_for(lambda: ops.child_pids("killed"), 10)[0]
    wait_for(lambda: any(r.source == "killed" for r in all_runs(ops.url)), 10)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: len([r for r in all_runs(ops.url) if r.status != "running"]) == 3, 15)
    assert ops.stop(process) == 0
    runs = {r.source: r for r in all_runs(ops.url)}
    assert (runs["killed"].status, runs["killed"].error) == (
        "failed",
        "crawl process killed by SIGKILL",
    )
    assert (runs["hung"].status, runs["hung"].error) == (
        "failed",
        "timed out after 3s: the crawl was killed",
    )
    assert runs["crash"].status == "failed"
    assert (
        runs["crash"].error
        == "crawl process exited with status 3: fake crawl of crash: cannot start"
    )
    logged = [json.loads(line) for line in ops.log().splitlines() if line.startswith("{")]
    ended = [x for x in logged if x["msg"].startswith("crawl ended")]
    assert {x["source"] for x in ended} == {"killed", "hung", "crash"}
    assert all(isinstance(x["run_id"], int) for x in ended)


def test_runs_left_running_by_a_dead_scheduler_are_interrupted_at_start(ops: Ops) -> None:
    write_catalogue(ops.catalogue, {"src": "1d"})
    ops.plan({"src": {"sleep": 60}})
    first = ops.start("--lease-ttl", "2s")
    wait_for(lambda: running_ids(ops.url), 10)
    first.send_signal(signal.SIGKILL)
    first.wait()
    for pid in ops.child_pids("src"):  # what systemd's KillMode=mixed does to the rest
        os.kill(pid, signal.SIGKILL)
    ops.plan({})
    second = ops.start("--standby", log="second.log")  # takes over once the lease expires
    wait_for(lambda: len(all_runs(ops.url)) == 2 and not running_ids(ops.url), 15)
    assert ops.stop(second) == 0
    old, new = all_runs(ops.url)
    assert (old.status, old.error) == (
        "interrupted",
        "interrupted: the scheduler that ran it stopped",
    )
    assert new.status == "ok"  # due (its last run never finished), so it ran again


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
