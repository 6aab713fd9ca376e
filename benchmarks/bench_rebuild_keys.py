"""``aggregator dedupe --rebuild`` with keys in a worker process, or in the rebuild's, side by side.

Each run rebuilds a fresh copy of a store kept by ``python -m benchmarks dedupe_store`` (the
kept file is never touched), in its own process, the two ways interleaved run by run: keys
computed by a worker while the engine assigns the batch before (:mod:`dedupe.parallel_keys`,
the command's default) or inline (``--no-keys-worker``). CPU is both processes'; peak memory
the sum of both processes' peak RSS. The clusters and offer links of the two ways are compared
(a digest of every posting's cluster and offer). One JSON line per run, then the medians.

``python -m benchmarks rebuild_keys`` (env: ``DEDUPE_REBUILD_SIZE=20000``: the kept SQLite
store of that many postings, or ``DEDUPE_REBUILD_STORE=path``, ``DEDUPE_REBUILD_REPEATS=2``,
``DEDUPE_REBUILD_BATCH=1000``: the command's default batch size, ``DEDUPE_STORE_CACHE``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from aggregator.dedupe_store.rebuild import WORKER_FROM, WORKER_NEVER, rebuild
from aggregator.dedupe_store.tables import dedupe_members
from aggregator.store.database import open_store
from aggregator.store.models import OfferPosting
from benchmarks.bench_dedupe_store import NOW, _store_cache
from benchmarks.child import children_cpu, children_peak_mb, peak_mb, run_module

MODES = ("worker", "inline")


def _digest(url: str) -> str:
    """Every posting's cluster and offer, digested."""
    store = open_store(url)
    links = OfferPosting.__table__
    digest = hashlib.blake2b(digest_size=8)
    with store.engine.connect() as conn:
        query = (
            select(dedupe_members.c.posting_id, dedupe_members.c.cluster_id, links.c.offer_id)
            .join(links, links.c.posting_id == dedupe_members.c.posting_id)
            .order_by(dedupe_members.c.posting_id)
        )
        for row in conn.execute(query):
            digest.update(f"{row[0]} {row[1]} {row[2]}\n".encode())
    store.close()
    return digest.hexdigest()


def measure(mode: str, path: str) -> dict[str, Any]:
    """One rebuild of the store at ``path`` (a copy), timed: both processes' CPU and peaks."""
    url = f"sqlite:///{path}"
    batch = int(os.environ.get("DEDUPE_REBUILD_BATCH", "1000"))
    store = open_store(url)
    cpu, wall = time.process_time(), time.perf_counter()
    with store.engine.begin() as conn:
        worker_from = WORKER_FROM if mode == "worker" else WORKER_NEVER
        report = rebuild(conn, NOW, batch_size=batch, worker_from=worker_from)
    wall, main_cpu = time.perf_counter() - wall, time.process_time() - cpu
    store.close()
    worker_cpu, worker_mb = children_cpu(), children_peak_mb()
    main_mb = peak_mb()
    return {
        "bench": "rebuild_keys",
        "keys": mode,
        "postings": report.postings,
        "clusters": report.clusters,
        "batch": batch,
        "seconds": round(wall, 1),
        "cpu_seconds": round(main_cpu + worker_cpu, 1),
        "main_cpu_seconds": round(main_cpu, 1),
        "worker_cpu_seconds": round(worker_cpu, 1),
        "peak_rss_mb": main_mb + worker_mb,
        "worker_peak_rss_mb": worker_mb,
        "digest": _digest(url),
    }


def main() -> None:
    """Fresh copies of the kept store, rebuilt both ways in turn."""
    size = os.environ.get("DEDUPE_REBUILD_SIZE", "20000")
    named = os.environ.get("DEDUPE_REBUILD_STORE")
    kept = [Path(named)] if named else sorted(_store_cache().glob(f"sqlite-*-{size}-*.db"))
    if not kept:
        print(orjson.dumps({"bench": "rebuild_keys", "skipped": f"no kept store of {size}"}))
        return
    repeats = int(os.environ.get("DEDUPE_REBUILD_REPEATS", "2"))
    rows: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.db"
        for _ in range(repeats):
            for mode in MODES:
                shutil.copyfile(kept[-1], copy)
                out = run_module("benchmarks.bench_rebuild_keys", mode, str(copy))
                print(out, end="", flush=True)
                rows[mode].append(orjson.loads(out))
    medians = {
        mode: {
            name: statistics.median(r[name] for r in runs)
            for name in ("seconds", "cpu_seconds", "main_cpu_seconds", "peak_rss_mb")
        }
        for mode, runs in rows.items()
    }
    digests = {r["digest"] for runs in rows.values() for r in runs}
    summary: dict[str, Any] = {"bench": "rebuild_keys_medians", "store": kept[-1].name}
    summary["same_clusters"] = len(digests) == 1
    print(orjson.dumps({**summary, **medians}).decode(), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        print(orjson.dumps(measure(sys.argv[1], sys.argv[2])).decode(), flush=True)
    else:
        main()
