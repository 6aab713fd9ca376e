"""The ``sandbox`` click group: catalogue and truth files, and the server as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from sandbox_fakes import fetch

from aggregator.catalogue import load_catalogue
from aggregator.sandbox.boards import BOARDS
from aggregator.sandbox.cli import parse_epoch, sandbox
from aggregator.sandbox.market import EPOCH, LIVE_TICKS, Market, live_epoch


def test_catalogue_lists_every_board_under_the_base_url(tmp_path: Path) -> None:
    out = tmp_path / "sandbox.yaml"
    result = CliRunner().invoke(
        sandbox, ["catalogue", "--out", str(out), "--base-url", "http://127.0.0.1:9999/"]
    )
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]
    assert [e["key"] for e in entries] == [b.key for b in BOARDS]
    first = entries[0]
    assert first["base_url"] == f"http://127.0.0.1:9999/b/{first['key']}"
    assert {"key", "name", "kind", "base_url", "token", "language", "country", "path"} <= set(first)
    ft = next(e for e in entries if e["kind"] == "francetravail")
    assert ft["client_id_env"] == "FRANCE_TRAVAIL_CLIENT_ID"
    loaded = load_catalogue(out)  # the pipeline's own catalogue model accepts the file
    assert [s.key for s in loaded.sources] == [b.key for b in BOARDS]


def test_truth_file_matches_the_market(tmp_path: Path) -> None:
    out = tmp_path / "truth.jsonl"
    args = ["truth", "--out", str(out), "--seed", "4", "--scale", "0.05", "--tick", "2"]
    result = CliRunner().invoke(sandbox, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    market = Market(seed=4, scale=0.05)
    market.advance(2)
    assert len(rows) == len(market.truth()) and rows[0] == {
        "board": market.truth()[0].board,
        "source_offer_id": market.truth()[0].source_offer_id,
        "vacancy_id": market.truth()[0].vacancy_id,
    }


def test_refuses_a_public_host_and_a_bad_fault() -> None:
    result = CliRunner().invoke(sandbox, ["--host", "0.0.0.0", "--scale", "0.01"])
    assert result.exit_code != 0 and "loopback" in result.output
    result = CliRunner().invoke(sandbox, ["--port", "0", "--scale", "0.01", "--fault", "x=nope"])
    assert result.exit_code != 0 and "unknown fault" in result.output


def test_epoch_option_reads_a_date_as_0800_utc_and_a_time_as_utc() -> None:
    assert parse_epoch("2026-11-02") == EPOCH
    assert parse_epoch("2026-11-02T08:00") == EPOCH
    assert parse_epoch("2026-11-02T09:00+01:00") == EPOCH
    with pytest.raises(click.BadParameter):
        parse_epoch("last monday")


def test_subprocess_prints_its_url_first_and_serves() -> None:
    key = BOARDS[0].key
    command = [sys.executable, "-m", "aggregator.sandbox.cli", "--port", "0", "--scale", "0.02"]
    command += ["--tick", "1", "--seed", "3", "--fault", f"{key}=http_503"]
    started = datetime.now(UTC)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("sandbox listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[-1]
        state = json.loads(fetch(url + "/_admin/state")[2])
        assert state["seed"] == 3 and state["tick"] == 1 and key in state["faults"]
        assert fetch(f"{url}/b/{key}/")[0] == 503
        # Live by default: the starting tick LIVE_TICKS days before the last 08:00 UTC.
        live = {live_epoch(when, ticks=1 + LIVE_TICKS) for when in (started, datetime.now(UTC))}
        epoch = datetime.fromisoformat(state["epoch"])
        assert epoch in live
        assert datetime.fromisoformat(state["now"]) == epoch + timedelta(days=1)
    finally:
        process.terminate()
        process.wait(timeout=10)
