"""``aggregator health`` and ``aggregator runs`` as ops read them, and the JSON log lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.crawl.runs import close_run, open_run, register_source
from aggregator.store.database import open_store
from schedules.logs import JsonFormatter, configure_logging, crawl_context, relay_line
from tests.schedules.conftest import write_catalogue

FILL = {"title": 1.0, "company": 0.9, "location": 0.8, "salary": 0.4, "date": 1.0}


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        for key, statuses in {"good": ["ok", "ok"], "broken": ["ok", "failed"]}.items():
            register_source(conn, key, name=key, kind="feed", priority=0, enabled=True, now=now)
            for n, status in enumerate(statuses):
                started = now - timedelta(minutes=30 - n)
                run_id = open_run(conn, key, started)
                close_run(
                    conn,
                    run_id,
                    started + timedelta(seconds=20),
                    status=status,
                    items=50 if status == "ok" else 0,
                    error="listing: HTTP 503" if status == "failed" else None,
                    stats={"fill": FILL},
                )
    store.close()
    return url


def test_health_table_names_state_and_reason_and_exits_1(db: str, tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path / "c.yaml", {"good": "1h", "broken": "1h"})
    result = CliRunner().invoke(cli, ["--db", db, "health", "--catalogue", str(catalogue)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    good = next(line for line in lines if "│ good" in line)
    broken = next(line for line in lines if "│ broken" in line)
    assert "healthy" in good and "last run ok: 50 offers" in good and "100%/90%/80%/40%" in good
    assert "failing" in broken and "1 failed run in a row: listing: HTTP 503" in broken
    assert "1 healthy, 1 failing" in result.output
    only_good = CliRunner().invoke(
        cli, ["--db", db, "health", "--catalogue", str(catalogue), "--source", "good"]
    )
    assert only_good.exit_code == 0


def test_runs_lists_the_newest_first_and_filters(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "runs", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 0 and len(rows) == 4
    assert rows[0]["source"] == "broken" and rows[0]["status"] == "failed"
    assert [r["started_at"] for r in rows] == sorted((r["started_at"] for r in rows), reverse=True)
    one = CliRunner().invoke(cli, ["--db", db, "runs", "--source", "good", "--limit", "1"])
    assert one.exit_code == 0
    assert "good" in one.output and "broken" not in one.output and "20s" in one.output


def test_commands_are_registered_in_the_cli() -> None:
    from aggregator.cli import main

    for name in ("scheduler", "run-once", "health", "runs"):
        assert main([name, "--help"]) == 0


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """The root logger writing to a string (not a terminal: JSON lines), then restored."""
    text = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(stream=text)
    yield text
    root.removeHandler(handler)
    root.setLevel(level)


def test_json_lines_carry_source_and_run_id(stream: io.StringIO) -> None:
    log = logging.getLogger("aggregator.test")
    with crawl_context(source="lever-acme", run_id=42):
        log.info("fetched %d pages", 3, extra={"status": 200})
    log.warning("outside")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["msg"] == "fetched 3 pages" and first["level"] == "info"
    assert (first["source"], first["run_id"], first["status"]) == ("lever-acme", 42, 200)
    assert (second["source"], second["run_id"]) == (None, None)


def test_a_childs_lines_are_relayed_in_one_format(stream: io.StringIO) -> None:
    log = logging.getLogger("aggregator.crawl.child")
    child = {"ts": "x", "level": "warning", "logger": "spiders", "msg": "slow", "run_id": 7}
    with crawl_context(source="src"):
        relay_line(json.dumps(child) + "\n", log)
        relay_line("Traceback (most recent call last):\n", log)
    relayed, plain = (json.loads(line) for line in stream.getvalue().splitlines())
    assert relayed["level"] == "warning" and relayed["logger"] == "spiders"
    assert (relayed["source"], relayed["run_id"]) == ("src", 7)
    assert plain["msg"] == "Traceback (most recent call last):" and plain["source"] == "src"
    assert JsonFormatter().format(logging.makeLogRecord({"msg": "x"})).startswith("{")
