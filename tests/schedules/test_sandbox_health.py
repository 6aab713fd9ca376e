"""Real crawls of sandbox boards switched to each fault: health, cool-down and recovery.

``aggregator run-once`` runs the real ``aggregator crawl`` children against the sandbox
server; ``aggregator health`` must then name each broken board with the right state and
reason, the circuit breaker must hold the failing ones, and all must be healthy again once
the faults are switched off.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.sandbox.cli import catalogue_entries
from tests.schedules.conftest import all_runs

BOARDS = {  # board -> the fault it gets
    "gh-maison-lumen": "http_500",
    "lv-helio-pay": "empty",
    "sr-verdane-energies": "layout",
    "gh-quartz-analytics": "timeout",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "aggregator.sandbox.cli", "--port", "0", "--scale", "0.3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    url = process.stdout.readline().decode().split()[-1]
    yield url
    process.terminate()
    process.wait()


def _admin(url: str, method: str, path: str, body: Any = None) -> None:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def _run_once(db: str, catalogue: Path, *args: str) -> int:
    argv = [
        sys.executable,
        "-m",
        "aggregator.cli",
        "--db",
        db,
        "run-once",
        "--catalogue",
        str(catalogue),
    ]
    argv += ["--max-concurrent", "4", "--crawl-arg", "--fast", *args]
    return subprocess.run(argv, capture_output=True, timeout=120, check=False).returncode


def _health(db: str, catalogue: Path, *args: str) -> tuple[int, dict[str, dict[str, Any]]]:
    result = CliRunner().invoke(
        cli, ["--db", db, "health", "--catalogue", str(catalogue), "--json", *args]
    )
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return result.exit_code, {row["source"]: row for row in rows}


def test_faults_are_reported_cool_down_and_recover(sandbox: str, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    catalogue = tmp_path / "sandbox.yaml"
    entries = [e for e in catalogue_entries(sandbox) if e["key"] in BOARDS]
    catalogue.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    breaker = ("--failures", "1", "--cooldown", "1h")

    assert _run_once(db, catalogue, "--force") == 0
    status, health = _health(db, catalogue, *breaker)
    assert status == 0 and {h["state"] for h in health.values()} == {"healthy"}

    _admin(
        sandbox, "POST", "/_admin/faults", [{"board": b, "kinds": [k]} for b, k in BOARDS.items()]
    )
    assert _run_once(db, catalogue, "--force", "--time-limit", "15s", *breaker) == 1
    status, health = _health(db, catalogue, *breaker)
    assert status == 1
    states = {key: (h["state"], h["reason"]) for key, h in health.items()}
    assert states["gh-maison-lumen"][0] == "failing"
    assert "HTTP 500" in states["gh-maison-lumen"][1]
    assert "cooling down until" in states["gh-maison-lumen"][1]
    assert states["lv-helio-pay"][0] == "degraded"
    assert "yield 0 is under half its recent median" in states["lv-helio-pay"][1]
    assert states["sr-verdane-energies"][0] == "degraded"
    assert states["sr-verdane-energies"][1].startswith("last run partial")
    assert states["gh-quartz-analytics"] == (
        "failing",
        "1 failed run in a row: timed out after 15s: the crawl was killed; cooling down until "
        + health["gh-quartz-analytics"]["cooldown_until"][:19].replace("T", " ")
        + "Z",
    )

    _admin(sandbox, "DELETE", "/_admin/faults")
    before = len(all_runs(db))
    held = ("--source", "gh-maison-lumen", "--source", "gh-quartz-analytics")
    assert _run_once(db, catalogue, "--force", *held, *breaker) == 0
    assert len(all_runs(db)) == before  # the breaker holds them: nothing ran

    assert _run_once(db, catalogue, "--force", "--failures", "1", "--cooldown", "1s") == 0
    status, health = _health(db, catalogue, *breaker)
    assert {key: h["state"] for key, h in health.items()} == dict.fromkeys(BOARDS, "healthy")
    assert status == 0
