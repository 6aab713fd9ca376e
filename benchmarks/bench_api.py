"""Search API latency and throughput on a generated national-scale store, beside a LIKE scan.

For each backend (SQLite file, throwaway PostgreSQL): generate ``BENCH_API_N`` offers (default
1,000,000), start ``uvicorn`` with two workers on the read-only API, then

- latency: each query of :data:`QUERIES` sent sequentially ``REPS`` times over HTTP, p50/p95;
- throughput: a separate process keeps ``CONCURRENCY`` requests in flight for ``DURATION``
  seconds over the typical (non-facet) queries, requests/s: ``wrk`` (C, one thread, so the
  load generator does not eat the server's two cores) when installed (``apt-get install wrk``),
  else a Python thread pool (which then measures itself as much as the server);
- baseline: the naive ``LIKE '%word%'`` scan of the same table, same page size, p50/p95.

Latencies are cold: the facet cache is off (``AGGREGATOR_API_FACET_TTL=0``) and every request
carries a distinct dummy parameter (``_=n``, ignored by the API), so the answer cache
(:mod:`aggregator.api.answers`, on in the server) never serves them. Throughput is measured
twice on the same server and clearly labelled: **distinct** (every request a new URL: every
answer computed, the cold figure) and **repeated** (the typical mix cycled as is: after the first
round, answers replayed by the cache while the data does not change).

Command: ``BENCH_API_N=1000000 .venv/bin/python -m benchmarks.bench_api``. Generating a million
offers takes minutes; ``BENCH_API_SQLITE_URL`` / ``BENCH_API_PG_URL`` measure stores kept from
an earlier run instead (``BENCH_API_N`` then only labels the figures).
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any

import httpx
import orjson
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from aggregator.api.database import STATEMENT_TIMEOUT_MS, read_only_engine
from aggregator.devtools.pgserver import find_bindir, start_postgres
from aggregator.store.database import open_store
from benchmarks.api_data import fill

N = int(os.environ.get("BENCH_API_N", "1000000"))
REPS = int(os.environ.get("BENCH_API_REPS", "40"))
DURATION = float(os.environ.get("BENCH_API_DURATION", "15"))
CONCURRENCY = 16
# a production server gives a table this size its memory (the defaults, 128 MB of shared buffers
# and 4 MB per sort or bitmap, are sized for a laptop); the 2-core machine's 24 GB allow this
PG_SETTINGS = {"shared_buffers": "4GB", "effective_cache_size": "12GB", "work_mem": "32MB"}
# measure stores generated earlier (at the current schema) instead of generating new ones
KEEP_SQLITE, KEEP_PG = "BENCH_API_SQLITE_URL", "BENCH_API_PG_URL"
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("one common word", "/offers", {"q": "développeur"}),
    ("one rare word", "/offers", {"q": "boulanger"}),
    ("two words", "/offers", {"q": "développeur python"}),
    ("word + place + 30 km", "/offers", {"q": "infirmier", "place": "Lyon", "radius_km": 30}),
    (
        "word + contract + salary",
        "/offers",
        {"q": "commercial", "contract_type": "permanent", "salary_min": 40000},
    ),
    ("filters only", "/offers", {"contract_type": "apprenticeship", "place": "Bordeaux"}),
    ("newest, no filter", "/offers", {}),
    ("facets, word", "/facets", {"q": "développeur"}),
    ("facets, word + place", "/facets", {"q": "infirmier", "place": "Lyon", "radius_km": 30}),
    ("facets, everything", "/facets", {}),
]
LIKE_QUERIES = [
    ("LIKE one common word", ["développeur"]),
    ("LIKE one rare word", ["boulanger"]),
    ("LIKE two words", ["développeur", "python"]),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def _timed(action: Callable[[int], Any], reps: int) -> list[float]:
    action(-1)  # warm the database's caches first
    samples = []
    for rep in range(reps):
        start = time.perf_counter()
        action(rep)
        samples.append(time.perf_counter() - start)
    return samples


def _prepare(url: str, dialect: str) -> None:
    store = open_store(url)
    try:
        start = time.perf_counter()
        fill(store.engine, N)
        print(f"  generated {N} offers in {time.perf_counter() - start:.0f} s", flush=True)
        if dialect == "sqlite":
            with store.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO offers_search(offers_search) VALUES ('optimize')")
                conn.exec_driver_sql("ANALYZE")
        else:
            with store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
    finally:
        store.close()


def _start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AGGREGATOR_API_DATABASE_URL": url,
        "AGGREGATOR_API_FACET_TTL": "0",
        "AGGREGATOR_API_ANSWER_TTL": "30",
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "aggregator.api.app:app_from_environment",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--no-access-log",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the API server did not start")


def _load(base: str, duration: float, distinct: bool, result: Any) -> None:
    """Load generator (own process): keep CONCURRENCY requests in flight, count answers."""
    typical = [(path, params) for _, path, params in QUERIES if path == "/offers"]
    deadline = time.monotonic() + duration

    def worker(offset: int) -> tuple[int, int]:
        done = errors = 0
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                path, params = typical[(offset + done) % len(typical)]
                if distinct:
                    params = {**params, "_": f"{offset}-{done}-{errors}"}
                if client.get(path, params=params).status_code == 200:
                    done += 1
                else:
                    errors += 1
        return done, errors

    start = time.monotonic()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        counts = list(pool.map(worker, range(CONCURRENCY)))
    elapsed = time.monotonic() - start
    result["rps"] = sum(c[0] for c in counts) / elapsed
    result["errors"] = sum(c[1] for c in counts)


def _wrk(base: str, duration: float, distinct: bool) -> dict[str, Any]:
    """Requests/s from ``wrk`` cycling through the typical /offers queries."""
    paths = [
        str(httpx.URL(path, params={**params, "_": ""} if distinct else params))
        for _, path, params in QUERIES
        if path == "/offers"
    ]
    quoted = ", ".join(f'"{p}"' for p in paths)
    suffix = " .. i" if distinct else ""
    script = (
        f"local paths = {{{quoted}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
        f"  return wrk.format('GET', paths[(i % #paths) + 1]{suffix})\nend\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        command = ["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{round(duration)}s", "-s", file.name, base]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(file.name)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "errors": int(errors.group(1)) if errors else 0,
        "load": "wrk",
    }


def _process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and its descendants (Linux /proc):
    the server's own cost per request, which a busy machine does not inflate as it does
    requests/s."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(children.get(pid, ()))
    return total


def _throughput(base: str, distinct: bool, server: int) -> dict[str, Any]:
    """Requests/s under load, and the server's CPU milliseconds per answered request."""
    before = _process_tree_cpu(server)
    load = _load_run(base, distinct)
    used = _process_tree_cpu(server) - before
    answered = load["rps"] * DURATION
    load["server_cpu_ms"] = round(used / answered * 1000, 2) if answered else None
    return load


def _load_run(base: str, distinct: bool) -> dict[str, Any]:
    if shutil.which("wrk"):
        return _wrk(base, DURATION, distinct)
    with multiprocessing.Manager() as manager:
        shared = manager.dict()
        loader = multiprocessing.Process(target=_load, args=(base, DURATION, distinct, shared))
        loader.start()
        loader.join()
        return {"rps": shared["rps"], "errors": shared["errors"], "load": "python threads"}


def _like(engine: Engine, words: list[str]) -> Callable[[int], Any]:
    clauses = " AND ".join(
        f"(title LIKE :w{i} OR description LIKE :w{i})" for i in range(len(words))
    )
    sql = text(
        f"SELECT offer_id, title FROM offers WHERE status = 'open' AND {clauses} "
        "ORDER BY listed_at DESC LIMIT 20"
    ).bindparams(**{f"w{i}": f"%{w}%" for i, w in enumerate(words)})

    def run(_: int) -> Any:
        with engine.connect() as conn:
            return conn.execute(sql).all()

    return run


def _measure(dialect: str, url: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []

    def record(row: dict[str, Any]) -> None:
        results.append(row)
        line = orjson.dumps({"bench": "api", "backend": dialect, "n": N, **row}).decode()
        print(line, flush=True)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(url, port)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for label, path, params in QUERIES:

                def call(rep: int, path: str = path, params: dict[str, Any] = params) -> None:
                    client.get(path, params={**params, "_": str(rep)}).raise_for_status()

                record({"query": label, **_percentiles(_timed(call, REPS))})
        for distinct, mix in ((True, "distinct URLs, cold"), (False, "repeated, answer cache")):
            load = _throughput(base, distinct, server.pid)
            record(
                {"query": f"throughput, typical /offers mix, {mix}", **load,
                 "rps": round(load["rps"], 1)}
            )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = read_only_engine(url)
    try:
        for label, words in LIKE_QUERIES:
            scan = _like(engine, words)
            with suppress(OperationalError):
                scan(-1)  # a scan of a table not in memory yet may outlast the timeout once
            try:
                record({"query": label, **_percentiles(_timed(scan, 5))})
            except OperationalError:  # the API engine's statement timeout, warm
                record({"query": label, "timeout_ms": STATEMENT_TIMEOUT_MS})
    finally:
        engine.dispose()
    return results


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {N} offers, {REPS} sequential requests per query",
        flush=True,
    )
    kept = {"sqlite": os.environ.get(KEEP_SQLITE), "postgresql": os.environ.get(KEEP_PG)}
    if kept["sqlite"] or kept["postgresql"]:
        for dialect, url in kept.items():
            if url:
                print(f"== {dialect} (kept store {url})", flush=True)
                _measure(dialect, url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/api.db"
        print("== sqlite", flush=True)
        _prepare(url, "sqlite")
        _measure("sqlite", url)
    if find_bindir() is None:
        print("PostgreSQL binaries not found: skipped")
        return
    server = start_postgres(durable=True, settings=PG_SETTINGS)
    try:
        url = server.create_database("api_bench")
        print("== postgresql", flush=True)
        _prepare(url, "postgresql")
        _measure("postgresql", url)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
