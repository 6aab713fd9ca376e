"""Dedupe engine cost per posting as the store grows: 10k, 100k, 1M postings from scratch.

The sandbox market (seeds of ``DEDUPE_BENCH_SEEDS``, real wire formats and mappings, cached on
disk) is replayed as later seasons (:func:`dedupe.seasons.replicated`) and streamed
into the engine in 10,000-posting batches, so the benchmark holds one batch at a time, not the
whole store: peak memory is the engine's. Each size runs in its own process (its own peak),
then 10,000 more postings are added to the largest store. One JSON line per measurement.

``python -m benchmarks dedupe_curve`` (env: ``DEDUPE_CURVE_SIZES=10000,100000``; add
1,000,000 with ``DEDUPE_BENCH_1M=1``: about 30 minutes of CPU; ``DEDUPE_CURVE_CAPS=200/30`` block
cap / max candidates; ``DEDUPE_CURVE_EXPIRE=0`` keeps clusters past rejoining in the blocks, as
before :mod:`dedupe.expiry`; ``DEDUPE_MARKET_CACHE``).

Keys are computed by a worker process while the engine assigns the batch before
(:mod:`dedupe.parallel_keys`); ``DEDUPE_CURVE_KEYS=inline`` computes them in the engine's
process, as before. CPU is both processes' (``main_cpu_seconds`` + ``worker_cpu_seconds``), peak
memory the sum of both processes' peak RSS: the target is the machine's. The increment is
assigned inline (a small load spawns no worker).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import orjson

from benchmarks.bench_dedupe import _cache, _env_list, records_of
from benchmarks.child import children_cpu, children_peak_mb, peak_mb, run_module
from dedupe.engine import Deduper
from dedupe.keys import Keys
from dedupe.market_data import normalized_market
from dedupe.memory import MemoryCandidateSource
from dedupe.parallel_keys import Waits, pipelined
from dedupe.records import DedupeRecord
from dedupe.seasons import replicated

STEP = 10_000
INCREMENT = 10_000


def _pool() -> list[DedupeRecord]:
    pool: list[DedupeRecord] = []
    for seed in _env_list("DEDUPE_BENCH_SEEDS", "1"):
        postings, _ = normalized_market(int(seed), 1.0, cache_dir=_cache(), workers=2)
        pool.extend(replace(r, key=f"s{seed}/{r.key}") for r in records_of(postings))
    return pool


def _batches(stream: Iterator[DedupeRecord], size: int) -> Iterator[list[DedupeRecord]]:
    left = size
    while left > 0:
        batch = [next(stream) for _ in range(min(STEP, left))]
        left -= len(batch)
        yield batch


class _Timed:
    """An iterator whose own time (making the batches) is kept apart, to leave it out."""

    def __init__(self, inner: Iterator[list[DedupeRecord]]) -> None:
        self.inner = inner
        self.wall = self.cpu = 0.0

    def __iter__(self) -> Iterator[list[DedupeRecord]]:
        return self

    def __next__(self) -> list[DedupeRecord]:
        w, c = time.perf_counter(), time.process_time()
        try:
            return next(self.inner)
        finally:
            self.wall += time.perf_counter() - w
            self.cpu += time.process_time() - c


def _keyed(
    batches: Iterator[list[DedupeRecord]], worker: bool, waits: Waits
) -> Iterable[tuple[list[DedupeRecord], dict[str, Keys] | None]]:
    if worker:
        return pipelined(batches, lambda batch: batch, waits)
    return ((batch, None) for batch in batches)


def measure(size: int, increment: int) -> list[dict[str, Any]]:
    """From scratch to ``size`` postings (timed, batch making excluded), then an increment."""
    cap, limit = (int(v) for v in os.environ.get("DEDUPE_CURVE_CAPS", "200/30").split("/"))
    pool = _pool()
    stream = replicated(pool, (size + increment) // len(pool) + 1)
    expire = os.environ.get("DEDUPE_CURVE_EXPIRE", "1") != "0"
    deduper = Deduper(MemoryCandidateSource(cap), max_candidates=limit, expire_closed=expire)
    worker = os.environ.get("DEDUPE_CURVE_KEYS", "worker") != "inline"
    base = {
        "caps": f"{cap}/{limit}",
        "expire": expire,
        "keys": "worker" if worker else "inline",
        "start_rss_mb": peak_mb(),
    }
    batches = _Timed(_batches(stream, size))
    w, c, children = time.perf_counter(), time.process_time(), children_cpu()
    waits = Waits()
    for batch, keys in _keyed(batches, worker, waits):
        deduper.add(batch, keys)
    wall = time.perf_counter() - w - batches.wall
    main_cpu = time.process_time() - c - batches.cpu
    worker_cpu, worker_mb = children_cpu() - children, children_peak_mb()
    cpu = main_cpu + worker_cpu
    rows = [
        {
            "bench": "dedupe_curve",
            "postings": size,
            "seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1),
            "main_cpu_seconds": round(main_cpu, 1),
            "worker_cpu_seconds": round(worker_cpu, 1),
            "waited_for_keys_seconds": round(waits.seconds, 1),
            "ms_per_posting": round(1000 * wall / size, 3),
            "cpu_ms_per_posting": round(1000 * cpu / size, 3),
            "clusters": len(deduper.clusters()),
            "peak_rss_mb": peak_mb() + worker_mb,
            "main_peak_rss_mb": peak_mb(),
            "worker_peak_rss_mb": worker_mb,
            **base,
        }
    ]
    if increment:
        extra = [next(stream) for _ in range(increment)]
        w, c = time.perf_counter(), time.process_time()
        deduper.add(extra)
        rows.append(
            {
                "bench": "dedupe_curve_increment",
                "store": size,
                "increment": increment,
                "seconds": round(time.perf_counter() - w, 2),
                "cpu_seconds": round(time.process_time() - c, 2),
                "peak_rss_mb": peak_mb() + worker_mb,
                **base,
            }
        )
    return rows


def main() -> None:
    """One subprocess per size; the increment goes into the largest."""
    named = {int(s) for s in _env_list("DEDUPE_CURVE_SIZES", "10000,100000")}
    if os.environ.get("DEDUPE_BENCH_1M", "") not in ("", "0"):
        named.add(1_000_000)  # once, also when the sizes name it
    sizes = sorted(named)
    for size in sizes:
        increment = INCREMENT if size == sizes[-1] else 0
        out = run_module("benchmarks.bench_dedupe_curve", str(size), str(increment))
        print(out, end="", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        for row in measure(int(sys.argv[1]), int(sys.argv[2])):
            print(orjson.dumps(row).decode(), flush=True)
    else:
        main()
