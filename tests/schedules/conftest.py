"""Fixtures for the operations tests: a store, a catalogue, and processes we start and stop."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from aggregator.store.database import open_store
from aggregator.store.models import CrawlRun
from schedules.health import RunView
from schedules.records import history

HERE = Path(__file__).resolve().parent
FAKE_CRAWL = HERE / "fake_crawl.py"


def wait_for(check: Callable[[], Any], timeout: float = 10.0, every: float = 0.1) -> Any:
    """Poll ``check`` until it returns something truthy; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s")


def all_runs(url: str) -> list[RunView]:
    """Every crawl run of the store, oldest first."""
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            return list(reversed(history(conn, None, 10_000)))
    finally:
        store.close()


def running_ids(url: str) -> list[int]:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            return list(conn.scalars(select(CrawlRun.id).where(CrawlRun.status == "running")))
    finally:
        store.close()


def write_catalogue(path: Path, sources: dict[str, str]) -> Path:
    """A catalogue of feed sources ``{key: schedule}`` (the fake crawl never fetches them)."""
    entries = [
        {"key": key, "name": key, "kind": "feed", "base_url": f"http://127.0.0.1:9/{key}",
         "schedule": schedule}
        for key, schedule in sources.items()
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    return path


class Ops:
    """A store, a catalogue, a crawl plan, and the scheduler processes of one test."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.url = f"sqlite:///{tmp_path / 'store.db'}"
        self.catalogue = tmp_path / "catalogue.yaml"
        self.plan_file = tmp_path / "plan.json"
        self.pids = tmp_path / "pids"
        self.pids.mkdir()
        self.plan({})
        self.processes: list[subprocess.Popen[bytes]] = []
        open_store(self.url).close()  # created at the newest schema

    def plan(self, plan: dict[str, dict[str, Any]]) -> None:
        self.plan_file.write_text(json.dumps(plan), encoding="utf-8")

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "AGGREGATOR_CRAWL_COMMAND": f"{sys.executable} {FAKE_CRAWL}",
            "FAKE_CRAWL_PLAN": str(self.plan_file),
            "FAKE_CRAWL_DIR": str(self.pids),
            "AGGREGATOR_DATABASE_URL": self.url,
        }

    def start(self, *args: str, log: str = "scheduler.log") -> subprocess.Popen[bytes]:
        """``aggregator scheduler`` as a child process, its stderr in ``log``."""
        argv = [
            sys.executable,
            "-m",
            "aggregator.cli",
            "scheduler",
            "--catalogue",
            str(self.catalogue),
        ]
        argv += ["--poll", "0.5s", "--jitter", "0s", "--grace", "5s", *args]
        with (self.tmp / log).open("ab") as err:
            process = subprocess.Popen(argv, env=self.env(), stdout=err, stderr=err)
        self.processes.append(process)
        return process

    def log(self, name: str = "scheduler.log") -> str:
        path = self.tmp / name
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self, process: subprocess.Popen[bytes], timeout: float = 20.0) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    def child_pids(self, source: str) -> list[int]:
        return [int(p.read_text()) for p in self.pids.glob(f"{source}.*")]

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for path in self.pids.iterdir():  # crawl children run in sessions of their own
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(path.read_text()), signal.SIGKILL)


@pytest.fixture
def ops(tmp_path: Path) -> Iterator[Ops]:
    helper = Ops(tmp_path)
    yield helper
    helper.close()
