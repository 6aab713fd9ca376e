"""Dedupe in the store: rebuild from scratch and a 10k increment, as the store grows.

For each size N the sandbox market (real wire formats, parsers and mappings, cached on disk
by :func:`dedupe.market_data.normalized_market`) is replayed as later seasons until it holds N
postings, as a store with expiry holds them (``DEDUPE_STORE_MODEL=expiring``, the default):
each season a later year (:data:`dedupe.seasons.SEASON_SHIFT`), a posting closed
:data:`dedupe.seasons.POSTING_LIFE` after its publication unless that is after the newest
publication stored (still open), as the curve bench replays them. ``DEDUPE_STORE_MODEL=open``
is the model of the figures before 2026-11-26: seasons 120 days apart and every posting open,
so a later season's copies join the earlier clusters (23,000 clusters for 100,000 postings),
which no store with expiry holds. The postings are inserted raw into ``postings``, then
``aggregator dedupe --rebuild``'s code
clusters them all and founds their offers (timed: "rebuild"), then 10,000 more postings go
through the write path every storing command uses, in batches of 2,000 with one matcher and
the loader's collector settings, as `aggregator load` of one file ("increment"). Each
size runs in its own process so its peak memory is its own. Prints one JSON line per size.

``python -m benchmarks dedupe_store`` (env: ``DEDUPE_STORE_SIZES=10000,100000``,
``DEDUPE_STORE_INCREMENT=10000``, ``DEDUPE_STORE_BACKENDS=sqlite,postgresql``,
``DEDUPE_STORE_MODEL=expiring|open``, ``DEDUPE_MARKET_CACHE``, ``DEDUPE_STORE_SEEDS=1,2``).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import insert

from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.dedupe_store.rebuild import rebuild
from aggregator.devtools.pgserver import find_bindir, start_postgres
from aggregator.loader import bulk_collection
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import open_store
from aggregator.store.models import PostingRow, table_of
from aggregator.store.postings import content_hash, ensure_sources, posting_values
from dedupe.market_data import normalized_market
from dedupe.seasons import POSTING_LIFE, SEASON_SHIFT

OPEN_SEASON = timedelta(days=120)  # the "open" model's seasons (every posting open)
BATCH = 2000  # the loader's batch
NOW = datetime(2031, 1, 1, tzinfo=UTC)


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _cache() -> Path:
    default = Path.home() / ".cache" / "job-aggregator" / "dedupe-market"
    return Path(os.environ.get("DEDUPE_MARKET_CACHE", default)).expanduser()


def _expiring() -> bool:
    model = os.environ.get("DEDUPE_STORE_MODEL", "expiring")
    if model not in ("expiring", "open"):
        raise ValueError(f"DEDUPE_STORE_MODEL must be expiring or open, not {model!r}")
    return model == "expiring"


def market_stream() -> Iterator[Posting]:
    """The markets of the chosen seeds, replayed season after season with fresh ids."""
    pool: list[Posting] = []
    for seed in _env_list("DEDUPE_STORE_SEEDS", "1,2"):
        postings, _ = normalized_market(int(seed), 1.0, cache_dir=_cache(), workers=2)
        pool.extend(
            p.model_copy(update={"source_offer_id": f"s{seed}-{p.source_offer_id}"})
            for p in postings
        )
    pool.sort(key=lambda p: (p.posted_at or NOW, p.source, p.source_offer_id))
    season = 0
    step = SEASON_SHIFT if _expiring() else OPEN_SEASON
    while True:
        shift = step * season
        for p in pool:
            yield p.model_copy(
                update={
                    "source_offer_id": f"r{season}-{p.source_offer_id}",
                    "url": f"{p.url}#r{season}",
                    "posted_at": p.posted_at + shift if p.posted_at else None,
                    "valid_through": None,
                }
            )
        season += 1


def _insert_raw(url: str, postings: list[Posting]) -> None:
    """Postings straight into the table, as a store that predates dedupe would hold them.

    In the expiring model a posting is closed ``POSTING_LIFE`` after its publication when
    that is before the newest publication stored; the newest ones are still open.
    """
    latest = max((p.posted_at for p in postings if p.posted_at), default=NOW)
    expiring = _expiring()
    store = open_store(url)
    with store.engine.begin() as conn:
        ensure_sources(conn, {p.source for p in postings}, NOW)
        for start in range(0, len(postings), 10_000):
            rows = []
            for p in postings[start : start + 10_000]:
                values = posting_values(p)
                closes = p.posted_at + POSTING_LIFE if p.posted_at else None
                values.update(
                    content_hash=content_hash(values),
                    first_seen_at=NOW,
                    last_seen_at=NOW,
                    changed_at=NOW,
                    closed_at=closes if expiring and closes and closes <= latest else None,
                )
                rows.append(values)
            conn.execute(insert(table_of(PostingRow)), rows)
    store.close()


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def measure(size: int, increment: int, url: str) -> dict[str, Any]:
    """Rebuild of ``size`` postings, then an increment of ``increment`` through the write path."""
    stream = market_stream()
    base = [next(stream) for _ in range(size)]
    extra = [next(stream) for _ in range(increment)]
    _insert_raw(url, base)
    del base
    store = open_store(url)
    matcher = DedupeMatcher()
    cpu, wall = _clock()
    with store.engine.begin() as conn:
        report = rebuild(conn, NOW, matcher=matcher, batch_size=5000)
    rebuild_cpu, rebuild_wall = time.process_time() - cpu, time.perf_counter() - wall
    cpu, wall = _clock()
    loader_matcher = DedupeMatcher()  # as `aggregator load`: one matcher (its keys cache) a file
    stages: dict[str, float] = {}
    with bulk_collection():
        for start in range(0, len(extra), BATCH):
            with store.engine.begin() as conn:
                batch = extra[start : start + BATCH]
                store_postings(conn, batch, NOW, matcher=loader_matcher, timings=stages)
    inc_cpu, inc_wall = time.process_time() - cpu, time.perf_counter() - wall
    store.close()
    return {
        "postings": size,
        "model": "expiring" if _expiring() else "open",
        "clusters": report.clusters,
        "rebuild_s": round(rebuild_wall, 1),
        "rebuild_cpu_s": round(rebuild_cpu, 1),
        "rebuild_ms_per_posting": round(1000 * rebuild_wall / size, 3),
        "rebuild_cpu_ms_per_posting": round(1000 * rebuild_cpu / size, 3),
        "increment": increment,
        "increment_s": round(inc_wall, 2),
        "increment_cpu_s": round(inc_cpu, 2),
        "increment_ms_per_posting": round(1000 * inc_wall / max(increment, 1), 3),
        "increment_cpu_stages_s": {k: round(v, 2) for k, v in sorted(stages.items())},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main() -> None:
    """One subprocess per backend and size (peak memory per size), one JSON line each."""
    sizes = [int(s) for s in _env_list("DEDUPE_STORE_SIZES", "10000,100000")]
    increment = int(os.environ.get("DEDUPE_STORE_INCREMENT", "10000"))
    backends = _env_list("DEDUPE_STORE_BACKENDS", "sqlite,postgresql")
    server = start_postgres(durable=True) if "postgresql" in backends and find_bindir() else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for backend in backends:
                if backend == "postgresql" and server is None:
                    continue
                for size in sizes:
                    if server is not None and backend == "postgresql":
                        url = server.create_database(f"dedupe_store_{size}")
                    else:
                        url = f"sqlite:///{tmp}/dedupe-{size}.db"
                    done = subprocess.run(
                        [sys.executable, "-m", "benchmarks.bench_dedupe_store", url, str(size)],
                        env={**os.environ, "DEDUPE_STORE_INCREMENT": str(increment)},
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    if done.returncode:
                        raise RuntimeError(done.stderr[-3000:])
                    row = {"bench": "dedupe_store", "backend": backend, **orjson.loads(done.stdout)}
                    print(orjson.dumps(row).decode(), flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    if len(sys.argv) == 3:
        inc = int(os.environ.get("DEDUPE_STORE_INCREMENT", "10000"))
        print(orjson.dumps(measure(int(sys.argv[2]), inc, sys.argv[1])).decode())
    else:
        main()
