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
``aggregator dedupe --rebuild``'s code clusters them all and founds their offers (timed:
"rebuild", keys computed by a worker process as the command does, its CPU and peak memory
counted with the rebuild's), then 10,000 more postings go through the write path every
storing command uses, in batches of 2,000 with one matcher and the loader's collector
settings, as `aggregator load` of one file (``aggregator.loader.store_batches``, which has a
worker process compute the keys of the next batch: its CPU is counted in the increment's
and shown apart) ("increment"). Each step runs in its own process
so its peak memory is its own. Prints one JSON line per increment.

The rebuilt store is kept (``DEDUPE_STORE_CACHE``, by default beside the market cache; a
SQLite file, a ``pg_dump`` for PostgreSQL) under a name that digests what decides its content:
the replayed postings, the size and model, and the code that decides clusters, keys and
schema (``dedupe/``, the dedupe vocabulary, the migrations; :data:`STORE_FORMAT` for the rest).
Code that only changes how fast the store is read and written does not make a new store (its
tests hold it to the same content); ``DEDUPE_STORE_FRESH=1`` rebuilds anyway. Each increment
runs on a fresh copy of the kept store, so it can be repeated (``DEDUPE_STORE_REPEATS``) and
compared with another checkout's code on the same store, interleaved run by run
(``DEDUPE_STORE_BASELINE=/path/to/checkout``: that checkout's packages, this measurement).
``DEDUPE_STORE_PROFILE=DIR`` writes a cProfile of each increment there.

``python -m benchmarks dedupe_store`` (env: ``DEDUPE_STORE_SIZES=10000,100000``,
``DEDUPE_STORE_INCREMENT=10000``, ``DEDUPE_STORE_BACKENDS=sqlite,postgresql``,
``DEDUPE_STORE_MODEL=expiring|open``, ``DEDUPE_MARKET_CACHE``, ``DEDUPE_STORE_SEEDS=1,2``,
``DEDUPE_STORE_CACHE``, ``DEDUPE_STORE_FRESH``, ``DEDUPE_STORE_REPEATS=1``,
``DEDUPE_STORE_BASELINE``, ``DEDUPE_STORE_PROFILE``).
"""

from __future__ import annotations

import cProfile
import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import insert

from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.dedupe_store.rebuild import rebuild
from aggregator.devtools.pgserver import PostgresServer, find_bindir, start_postgres
from aggregator.loader import LoadReport, bulk_collection, store_batches
from aggregator.schema import Posting
from aggregator.store.database import open_store
from aggregator.store.models import PostingRow, table_of
from aggregator.store.postings import content_hash, ensure_sources, posting_values
from benchmarks.child import children_cpu, children_peak_mb, peak_mb
from dedupe.market_data import normalized_market
from dedupe.seasons import POSTING_LIFE, SEASON_SHIFT

OPEN_SEASON = timedelta(days=120)  # the "open" model's seasons (every posting open)
BATCH = 2000  # the loader's batch
NOW = datetime(2031, 1, 1, tzinfo=UTC)
STORE_FORMAT = 1  # bump when this bench changes what it stores (replay, raw insert, rebuild)
ROOT = Path(__file__).resolve().parent.parent
# what decides a rebuilt store's content, besides the postings replayed
_CONTENT_CODE = ("dedupe", "data/vocab/dedupe.yaml", "aggregator/store/migrations/versions")


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _cache() -> Path:
    default = Path.home() / ".cache" / "job-aggregator" / "dedupe-market"
    return Path(os.environ.get("DEDUPE_MARKET_CACHE", default)).expanduser()


def _store_cache() -> Path:
    default = Path.home() / ".cache" / "job-aggregator" / "dedupe-store"
    return Path(os.environ.get("DEDUPE_STORE_CACHE", default)).expanduser()


def _expiring() -> bool:
    model = os.environ.get("DEDUPE_STORE_MODEL", "expiring")
    if model not in ("expiring", "open"):
        raise ValueError(f"DEDUPE_STORE_MODEL must be expiring or open, not {model!r}")
    return model == "expiring"


def _increment() -> int:
    return int(os.environ.get("DEDUPE_STORE_INCREMENT", "10000"))


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


def _replay(size: int, increment: int) -> tuple[list[Posting], list[Posting]]:
    """The ``size`` postings the store is built from, and the ``increment`` added after."""
    stream = market_stream()
    return list(islice(stream, size)), list(islice(stream, increment))


def _store_key(backend: str, size: int, base: list[Posting]) -> str:
    """The kept store's name: backend, size, model, and a digest of its postings and code."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{STORE_FORMAT}:{_expiring()}".encode())
    for posting in base:
        digest.update(orjson.dumps(posting.to_record()))
    for name in _CONTENT_CODE:
        target = ROOT / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in files:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    model = "expiring" if _expiring() else "open"
    return f"{backend}-{model}-{size}-{digest.hexdigest()}"


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


def build(url: str, size: int) -> dict[str, Any]:
    """Insert ``size`` postings raw and rebuild their clusters and offers (timed)."""
    base, _ = _replay(size, 0)
    _insert_raw(url, base)
    del base
    store = open_store(url)
    cpu, wall = _clock()
    worker_cpu = children_cpu()
    with store.engine.begin() as conn:
        report = rebuild(conn, NOW, matcher=DedupeMatcher(), batch_size=5000)
    rebuild_cpu, rebuild_wall = time.process_time() - cpu, time.perf_counter() - wall
    worker_cpu = children_cpu() - worker_cpu  # the keys worker (dedupe.parallel_keys)
    store.close()
    rebuild_cpu += worker_cpu
    return {
        "postings": size,
        "model": "expiring" if _expiring() else "open",
        "clusters": report.clusters,
        "rebuild_s": round(rebuild_wall, 1),
        "rebuild_cpu_s": round(rebuild_cpu, 1),
        "rebuild_worker_cpu_s": round(worker_cpu, 1),
        "rebuild_ms_per_posting": round(1000 * rebuild_wall / size, 3),
        "rebuild_cpu_ms_per_posting": round(1000 * rebuild_cpu / size, 3),
        # both processes' peaks (the worker's is the largest child's)
        "rebuild_peak_rss_mb": peak_mb() + children_peak_mb(),
    }


def increment(url: str, size: int, profile: str | None = None) -> dict[str, Any]:
    """The next ``DEDUPE_STORE_INCREMENT`` postings through the write path (timed)."""
    _, extra = _replay(size, _increment())
    store = open_store(url)
    loader_matcher = DedupeMatcher()  # as `aggregator load`: one matcher (its keys cache) a file
    stages: dict[str, float] = {}
    profiler = cProfile.Profile() if profile else None
    cpu, wall = _clock()
    worker_cpu = children_cpu()
    if profiler is not None:
        profiler.enable()
    batches = [extra[start : start + BATCH] for start in range(0, len(extra), BATCH)]
    with bulk_collection():
        store_batches(store, batches, LoadReport(), loader_matcher, now=NOW, timings=stages)
    if profiler is not None:
        profiler.disable()
    inc_cpu, inc_wall = time.process_time() - cpu, time.perf_counter() - wall
    worker_cpu = children_cpu() - worker_cpu  # the keys worker, ended with the load
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    store.close()
    return {
        "increment": len(extra),
        "increment_s": round(inc_wall, 2),
        "increment_cpu_s": round(inc_cpu + worker_cpu, 2),
        "increment_worker_cpu_s": round(worker_cpu, 2),
        "increment_keys_ahead": loader_matcher.keys_ahead_used,  # keys the worker made
        "increment_ms_per_posting": round(1000 * inc_wall / max(len(extra), 1), 3),
        "increment_cpu_stages_s": {k: round(v, 2) for k, v in sorted(stages.items())},
        "peak_rss_mb": peak_mb(),
    }


def _child(args: list[str], checkout: Path | None = None) -> dict[str, Any]:
    """Run this file's ``args`` in a new process (with another checkout's packages if given)."""
    env = {**os.environ, "PYTHONPATH": str(checkout or ROOT)}  # not an installed checkout
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        cwd=checkout or ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, Any] = orjson.loads(done.stdout.strip().splitlines()[-1])
    return result


class _Backend:
    """Where a store lives: a fresh empty one, kept as a file, and copied from that file."""

    def __init__(self, name: str, tmp: Path, server: PostgresServer | None) -> None:
        self.name, self.tmp, self.server = name, tmp, server
        self.count = 0

    def fresh(self, size: int) -> tuple[str, str]:
        """A new database's URL and the name to keep or restore it under."""
        self.count += 1
        name = f"dedupe_store_{size}_{self.count}"
        if self.server is not None:
            return self.server.create_database(name), name
        return f"sqlite:///{self.tmp}/{name}.db", name

    def keep(self, name: str, target: Path) -> None:
        partial = target.with_name(target.name + ".part")
        if self.server is not None:
            self.server.dump(name, partial)
        else:
            with sqlite3.connect(self.tmp / f"{name}.db") as src, sqlite3.connect(partial) as dst:
                src.backup(dst)
        partial.replace(target)

    def restore(self, kept: Path, size: int) -> tuple[str, str]:
        url, name = self.fresh(size)
        if self.server is not None:
            self.server.restore(name, kept)
        else:
            copy = self.tmp / f"{name}.db"
            shutil.copyfile(kept, copy)
            # on disk before the measurement: else the increment's first checkpoint waits for
            # the whole copy to be written back (seconds at 100k, minutes at a million)
            with copy.open("rb+") as written:
                os.fsync(written.fileno())
        return url, name

    def drop(self, name: str) -> None:
        if self.server is not None:
            self.server.drop_database(name)
        else:
            (self.tmp / f"{name}.db").unlink(missing_ok=True)


def _kept_store(backend: _Backend, size: int) -> tuple[Path, dict[str, Any]]:
    """The kept rebuilt store of this size (built now if missing or ``DEDUPE_STORE_FRESH``)."""
    base, _ = _replay(size, 0)
    key = _store_key(backend.name, size, base)
    del base
    folder = _store_cache()
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / (key + (".pgdump" if backend.server is not None else ".db"))
    about = folder / f"{key}.json"
    if kept.exists() and about.exists() and os.environ.get("DEDUPE_STORE_FRESH") != "1":
        return kept, {**orjson.loads(about.read_bytes()), "store": "kept"}
    url, name = backend.fresh(size)
    figures = _child(["build", url, str(size)])
    backend.keep(name, kept)
    backend.drop(name)
    about.write_bytes(orjson.dumps(figures))
    return kept, {**figures, "store": "built"}


def main() -> None:
    """Per backend and size: the kept store, then its increments (one JSON line each)."""
    sizes = [int(s) for s in _env_list("DEDUPE_STORE_SIZES", "10000,100000")]
    backends = _env_list("DEDUPE_STORE_BACKENDS", "sqlite,postgresql")
    repeats = int(os.environ.get("DEDUPE_STORE_REPEATS", "1"))
    baseline = os.environ.get("DEDUPE_STORE_BASELINE")
    codes: list[tuple[str, Path | None]] = [("this", None)]
    if baseline:
        codes.insert(0, ("baseline", Path(baseline).resolve()))
    profile_dir = os.environ.get("DEDUPE_STORE_PROFILE")
    server = start_postgres(durable=True) if "postgresql" in backends and find_bindir() else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name in backends:
                if name == "postgresql" and server is None:
                    continue
                backend = _Backend(name, Path(tmp), server if name == "postgresql" else None)
                for size in sizes:
                    kept, built = _kept_store(backend, size)
                    runs: dict[str, list[float]] = {code: [] for code, _ in codes}
                    for rep in range(repeats):
                        for code, checkout in codes if rep % 2 == 0 else codes[::-1]:
                            url, db = backend.restore(kept, size)
                            args = ["increment", url, str(size)]
                            if profile_dir:
                                args.append(f"{profile_dir}/{name}-{size}-{code}-{rep}.prof")
                            measured = _child(args, checkout)
                            backend.drop(db)
                            runs[code].append(measured["increment_cpu_s"])
                            row: dict[str, Any] = {
                                "bench": "dedupe_store",
                                "backend": name,
                                "code": code,
                            }
                            print(orjson.dumps({**row, **built, **measured}).decode(), flush=True)
                    if repeats > 1:
                        medians = {c: statistics.median(v) for c, v in runs.items()}
                        row = {"bench": "dedupe_store", "backend": name, "postings": size}
                        print(orjson.dumps({**row, "median_cpu_s": medians}).decode(), flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "build":
        print(orjson.dumps(build(sys.argv[2], int(sys.argv[3]))).decode())
    elif len(sys.argv) >= 4 and sys.argv[1] == "increment":
        prof = sys.argv[4] if len(sys.argv) > 4 else None
        print(orjson.dumps(increment(sys.argv[2], int(sys.argv[3]), prof)).decode())
    else:
        main()
