"""``aggregator sources``: the catalogue with each source's last crawl (not its replays)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.cli import main
from aggregator.commands.sources import last_runs
from aggregator.crawl import runs
from aggregator.store.database import Store

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
CATALOGUE = """\
- key: gh-lumen
  name: Maison Lumen
  kind: greenhouse
  token: maisonlumen
  base_url: https://boards-api.greenhouse.io
  priority: 5
- key: feed-quiet
  name: Quiet feed
  kind: feed
  base_url: https://quiet.example.org/jobs.rss
  schedule: "0 6 * * 1"
  enabled: false
"""


def _record_runs(store: Store) -> None:
    with store.engine.begin() as conn:
        runs.register_source(
            conn, "gh-lumen", name="Lumen", kind="greenhouse", priority=5, enabled=True, now=T0
        )
        first = runs.open_run(conn, "gh-lumen", T0)
        runs.close_run(conn, first, T0 + timedelta(minutes=1), status="failed", items=0)
        second = runs.open_run(conn, "gh-lumen", T0 + timedelta(hours=6))
        done = T0 + timedelta(hours=6, minutes=2)
        runs.close_run(conn, second, done, status="ok", items=42)
        replay = runs.open_run(conn, "gh-lumen", T0 + timedelta(hours=7), trigger="renormalize")
        runs.close_run(conn, replay, T0 + timedelta(hours=7), status="partial", items=40)


def test_last_runs_are_the_latest_crawls(store: Store) -> None:
    _record_runs(store)
    with store.engine.connect() as conn:
        found = last_runs(conn, ["gh-lumen", "feed-quiet"])
    assert list(found) == ["gh-lumen"]
    last = found["gh-lumen"]
    assert (last.status, last.items, last.finished_at) == (
        "ok",
        42,
        T0 + timedelta(hours=6, minutes=2),
    )


def test_command_lists_catalogue_and_runs(
    store: Store,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _record_runs(store)
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    assert main(["--db", db_url, "sources", "--catalogue", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    cells = {
        row[0]: row[1:]
        for line in lines
        if "│" in line
        for row in [[c.strip() for c in line.strip("│ ").split("│")]]
    }
    assert cells["gh-lumen"] == ["greenhouse", "6h", "yes", "5", "ok", "2026-11-02 14:02 UTC", "42"]
    assert cells["feed-quiet"] == ["feed", "0 6 * * 1", "no", "0", "never", "-", "-"]


def test_bad_catalogue_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("- key: x\n  name: X\n  kind: monster\n  base_url: https://x.org\n")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["--db", db, "sources", "--catalogue", str(path)]) == 2
    assert "unknown kind 'monster'" in capsys.readouterr().err
