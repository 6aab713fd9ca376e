"""Crawl throughput on the sandbox: every board, first crawl, re-crawl, and the polite wall time.

Starts the sandbox (``aggregator sandbox --port 0 --scale S``) in a child process, then runs
``aggregator crawl --all --sandbox-url URL [--fast]`` as the CLI would, on a fresh SQLite
store each time. Prints one JSON line per measurement:

- ``crawl_fast_first``: a full first crawl with politeness delays off (median of N runs);
- ``crawl_fast_again``: the incremental re-crawl right after it (conditional GETs, no
  detail page re-read);
- ``crawl_polite``: one full first crawl with the default polite settings, bounded by
  ``--polite-limit`` seconds (reported as not finished when it runs out).

``wall_s`` is the whole command (start-up, fetching, storing); ``fetch_s`` is the fetching
phase alone (from the runs' common start to the first source's end: storing runs after it).

    .venv/bin/python -m benchmarks.bench_crawl --scale 1.0 --repeats 3 --polite-limit 1800
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from aggregator.sandbox.credentials import SANDBOX_CREDENTIALS
from aggregator.sandbox.market import live_epoch
from aggregator.store.models import CrawlRun, PostingRow

ROOT = Path(__file__).resolve().parents[1]


def start_sandbox(scale: float, seed: int) -> tuple[subprocess.Popen[str], str]:
    """A sandbox in a child process, its dates live (as of this process's day); returns it with
    its URL."""
    command = [sys.executable, "-m", "aggregator.cli", "sandbox", "--port", "0"]
    command += ["--scale", str(scale), "--seed", str(seed), "--epoch", live_epoch().isoformat()]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, server.stdout.readline().strip().rsplit(" ", 1)[-1]


def _store_figures(db: Path, after_run: int) -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            runs = CrawlRun.__table__
            rows = conn.execute(select(runs).where(runs.c.id > after_run)).mappings().all()
            postings = conn.scalar(select(func.count()).select_from(PostingRow.__table__))
            last = conn.scalar(select(func.max(runs.c.id)))
    finally:
        engine.dispose()
    start = min(r["started_at"] for r in rows)
    fetched = min(r["finished_at"] for r in rows if r["finished_at"] is not None)
    return {
        "sources": len(rows),
        "ok": sum(r["status"] == "ok" for r in rows),
        "items": sum(r["items"] for r in rows),
        "requests": sum(r["requests"] for r in rows),
        "postings_stored": int(postings or 0),
        "fetch_s": round((fetched - start).total_seconds(), 2),
        "last_run": int(last or 0),
    }


def _last_run(db: Path) -> int:
    if not db.exists():
        return 0
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.max(CrawlRun.__table__.c.id))) or 0)
    finally:
        engine.dispose()


def crawl_once(
    url: str, db: Path, *, fast: bool, limit: float | None = None, after_run: int = 0
) -> dict[str, Any]:
    """One ``aggregator crawl --all`` on the sandbox; figures read back from the store."""
    command = [sys.executable, "-m", "aggregator.cli", "crawl", "--all", "--sandbox-url", url]
    command += ["--db", f"sqlite:///{db}"] + (["--fast"] if fast else [])
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, **SANDBOX_CREDENTIALS},
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"finished": False, "wall_s": round(time.perf_counter() - started, 1)}
    wall = time.perf_counter() - started
    if _last_run(db) <= after_run:  # the command failed before recording any run
        return {"finished": False, "exit": done.returncode, "error": done.stderr[-2000:]}
    figures = _store_figures(db, after_run)
    figures.update(
        finished=True,
        exit=done.returncode,
        wall_s=round(wall, 2),
        postings_per_s=round(figures["items"] / wall, 1),
        requests_per_s=round(figures["requests"] / wall, 1),
        fetch_requests_per_s=round(figures["requests"] / max(figures["fetch_s"], 1e-3), 1),
    )
    return figures


def _median(samples: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [k for k, v in samples[0].items() if isinstance(v, int | float) and k != "last_run"]
    out: dict[str, Any] = {k: statistics.median(s[k] for s in samples) for k in keys}
    out["runs"] = len(samples)
    out["wall_s_each"] = [s["wall_s"] for s in samples]
    return out


def _emit(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


def run(scale: float, seed: int, repeats: int, polite_limit: float | None) -> list[dict[str, Any]]:
    server, url = start_sandbox(scale, seed)
    lines: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as folder:
            first: list[dict[str, Any]] = []
            again: list[dict[str, Any]] = []
            for index in range(repeats):
                db = Path(folder) / f"fast{index}.db"
                first.append(crawl_once(url, db, fast=True))
                _emit({"bench": "crawl_fast_first_run", "scale": scale, **first[-1]})
                after = first[-1].get("last_run", 0)
                again.append(crawl_once(url, db, fast=True, after_run=after))
                _emit({"bench": "crawl_fast_again_run", "scale": scale, **again[-1]})
            for name, samples in (("crawl_fast_first", first), ("crawl_fast_again", again)):
                done = [s for s in samples if s.get("finished")]
                if done:
                    lines.append({"bench": name, "scale": scale, **_median(done)})
            if polite_limit:
                polite = crawl_once(url, Path(folder) / "polite.db", fast=False, limit=polite_limit)
                polite.pop("last_run", None)
                lines.append(
                    {"bench": "crawl_polite", "scale": scale, "limit_s": polite_limit, **polite}
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--polite-limit", type=float, default=1800.0, help="seconds; 0 skips the polite crawl"
    )
    args, _ = parser.parse_known_args(argv)
    for line in run(args.scale, args.seed, args.repeats, args.polite_limit or None):
        _emit(line)


if __name__ == "__main__":
    main()
