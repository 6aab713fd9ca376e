"""Load throughput: ``aggregator load``'s storing stage for 200k postings vs a raw executemany.

The raw ceiling inserts the already-validated column values straight into ``postings`` with
one executemany per 2,000 rows (no parsing, validation, hashing or lookups). Beside it, the
storing stage of ``aggregator load`` over the same rows: read and parse each JSON line,
validate it, hash its content, look up the batch's keys and upsert, one transaction per
2,000-posting batch (``loader.parse_line`` and ``store.postings.upsert_postings``, the code
the command runs). Both run with the loader's garbage-collector settings, each in its own
process, alternated run by run; median of three, in wall clock and in CPU time (this process
plus the PostgreSQL server's processes).

A whole ``aggregator load`` also dedupes every new posting against the store and founds or
refreshes consolidated offers with their full-text index (the dedupe issue's stage). That
costs far more than the storing stage; it is timed on ``BENCH_LOAD_FULL_N`` postings
(default 20k, one run) with its CPU split per stage. ``BENCH_LOAD_N`` sets the main size.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import insert

from aggregator.dedupe_store.matcher import default_matcher
from aggregator.devtools.pgserver import find_bindir, start_postgres
from aggregator.loader import BATCH_SIZE, bulk_collection, load_file, parse_line
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import open_store
from aggregator.store.models import PostingRow, table_of
from aggregator.store.postings import ensure_sources, posting_values, upsert_postings

T = TypeVar("T")
N = int(os.environ.get("BENCH_LOAD_N", "200000"))
FULL_N = int(os.environ.get("BENCH_LOAD_FULL_N", "20000"))
RUNS = 3
TITLES = [
    "Développeur Python",
    "Infirmier de bloc",
    "Chauffeur PL",
    "Comptable",
    "Vendeur",
    "Technicien de maintenance",
    "Chargé de clientèle",
    "Cuisinier",
    "Assistant RH",
    "Électricien",
]
CITIES = [("Paris", "75015"), ("Lyon", "69003"), ("Nantes", "44000"), ("Lille", "59000")]
COMPANIES = ["Alma", "Berthier", "Cobalt", "Dunes", "Eiffel", "Forge", "Garance", "Hélios"]
WORDS = [
    "équipe",
    "client",
    "projet",
    "qualité",
    "service",
    "atelier",
    "planning",
    "chantier",
    "logiciel",
    "patients",
    "commandes",
    "stocks",
    "livraison",
    "analyse",
    "budget",
    "outils",
    "sécurité",
    "formation",
    "terrain",
    "données",
]
COPY_SHARE = 3  # one posting in three is another board's copy of an earlier vacancy


def _description(rng: random.Random) -> str:
    """About 1 KB of text of its own, as a real vacancy has (not a shared template)."""
    sentences = []
    for _ in range(rng.randint(8, 16)):
        words = rng.sample(WORDS, 8)
        sentences.append(f"Vous gérez {' '.join(words)} au quotidien.")
    return " ".join(sentences)


def _server_cpu(server_root: str | None) -> float:
    """CPU seconds the throwaway PostgreSQL has spent: postmaster, its children, reaped ones."""
    if server_root is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    postmaster = (Path(server_root) / "data" / "postmaster.pid").read_text().split()[0]
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile: its time is in the postmaster's children times
        pid, ppid = stat.parent.name, fields[1]
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        elif ppid == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


@dataclass
class Clock:
    """Wall and CPU seconds of a block; CPU counts this process and the database server."""

    server_root: str | None
    wall: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> Clock:
        self.wall = time.perf_counter()
        self.cpu = time.process_time() + _server_cpu(self.server_root)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() + _server_cpu(self.server_root) - self.cpu


def make_postings(n: int) -> list[dict[str, Any]]:
    """Realistic postings: distinct vacancies, a third of them copied onto a second board."""
    rng = random.Random(7)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    out: list[dict[str, Any]] = []
    for i in range(n):
        if i % COPY_SHARE == 2:  # a copy of a recent vacancy on another board
            copy = dict(out[i - rng.randint(1, 2)])
            copy.update(source=f"board-{(i * 7) % 70:02d}", source_offer_id=f"{i:08d}")
            copy.update(url=f"https://board.example/jobs/{i}")
            out.append(copy)
            continue
        city, postal = rng.choice(CITIES)
        out.append(
            {
                "source": f"board-{i % 70:02d}",
                "source_offer_id": f"{i:08d}",
                "url": f"https://board.example/jobs/{i}",
                "title": f"{rng.choice(TITLES)} (H/F)",
                "company": f"{rng.choice(COMPANIES)} {rng.choice(COMPANIES)} SAS",
                "description": _description(rng),
                "location_raw": f"{postal} {city}",
                "city": city,
                "postal_code": postal,
                "region": "Île-de-France",
                "country": "FR",
                "latitude": 48.8,
                "longitude": 2.3,
                "contract_type": "permanent",
                "working_time": "full_time",
                "remote": "hybrid",
                "salary_min": 30000.0 + i % 20000,
                "salary_max": 40000.0 + i % 20000,
                "salary_currency": "EUR",
                "salary_period": "year",
                "salary_raw": "30 k€ - 40 k€",
                "posted_at": (start + timedelta(minutes=i)).isoformat(),
                "language": "fr",
            }
        )
    return out


def raw_ceiling(url: str, server_root: str | None, path: Path) -> Clock:
    """The ceiling: the same rows, validated before the clock starts, by plain executemany."""
    store = open_store(url)
    now = datetime.now(UTC)
    with path.open("rb") as stream:
        values = [posting_values(parse_line(raw.strip(), source=None)) for raw in stream]
    for v in values:
        v.update(content_hash="0" * 32, first_seen_at=now, last_seen_at=now, changed_at=now)
    with bulk_collection(), Clock(server_root) as clock:  # the loader's collector settings
        with store.engine.begin() as conn:
            ensure_sources(conn, {v["source"] for v in values}, now)
        for i in range(0, len(values), 2000):
            with store.engine.begin() as conn:
                conn.execute(insert(table_of(PostingRow)), values[i : i + 2000])
    store.close()
    return clock


def storing_stage(url: str, server_root: str | None, path: Path) -> Clock:
    """``aggregator load``'s storing stage: read, parse, validate, hash, look up, upsert."""
    store = open_store(url)
    batch: list[Posting] = []
    stored = 0
    with bulk_collection(), Clock(server_root) as clock:
        with path.open("rb") as stream:
            for raw in stream:
                batch.append(parse_line(raw.strip(), source=None))
                if len(batch) == BATCH_SIZE:
                    stored += _upsert(store, batch)
                    batch = []
        stored += _upsert(store, batch)
    store.close()
    assert stored == N
    return clock


def _upsert(store: Any, batch: list[Posting]) -> int:
    if not batch:
        return 0
    with store.engine.begin() as conn:
        return len(upsert_postings(conn, batch, datetime.now(UTC)).new_ids)


def full_load(url: str, path: Path, n: int) -> float:
    """Postings/s of the whole ``aggregator load`` (storing, dedupe, offers, index)."""
    store = open_store(url)
    start = time.perf_counter()
    report = load_file(store, path)
    elapsed = time.perf_counter() - start
    store.close()
    assert report.loaded == n and not report.rejections
    return n / elapsed


def stage_split(url: str, path: Path, n: int) -> dict[str, float]:
    """CPU ms per posting of each stage of ``aggregator load``'s path (one run)."""
    store = open_store(url)
    timings: dict[str, float] = {"parse": 0.0}
    matcher = default_matcher()
    batch: list[Posting] = []
    with path.open("rb") as stream:
        for raw in stream:
            start = time.process_time()
            batch.append(parse_line(raw.strip(), source=None))
            timings["parse"] += time.process_time() - start
            if len(batch) == BATCH_SIZE:
                with store.engine.begin() as conn:
                    store_postings(conn, batch, datetime.now(UTC), matcher=matcher, timings=timings)
                batch = []
    if batch:
        with store.engine.begin() as conn:
            store_postings(conn, batch, datetime.now(UTC), matcher=matcher, timings=timings)
    store.close()
    return {f"{name}_cpu_ms": round(1000 * s / n, 3) for name, s in timings.items()}


def _url(tmp: str, server: Any, name: str) -> str:
    return f"sqlite:///{tmp}/{name}.db" if server is None else server.create_database(name)


def _isolated(function: Callable[..., T], *args: Any) -> T:
    """Run one measurement in a fresh process: no other run's memory, garbage or caches."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _side_by_side(tmp: str, server: Any, path: Path) -> dict[str, Any]:
    """The storing stage and the ceiling, alternated run by run: medians and their ratios."""
    root = None if server is None else str(server.root)
    ours: list[Clock] = []
    ceiling: list[Clock] = []
    for run in range(RUNS):
        ceiling.append(_isolated(raw_ceiling, _url(tmp, server, f"ceiling_{run}"), root, path))
        ours.append(_isolated(storing_stage, _url(tmp, server, f"stage_{run}"), root, path))
    wall = [c.wall / o.wall for o, c in zip(ours, ceiling, strict=True)]
    cpu = [c.cpu / o.cpu for o, c in zip(ours, ceiling, strict=True)]
    return {
        "postings": N,
        "storing_stage_per_s": round(statistics.median(N / c.wall for c in ours)),
        "raw_executemany_per_s": round(statistics.median(N / c.wall for c in ceiling)),
        "wall_ratio": round(statistics.median(wall), 2),  # each run against its own ceiling
        "wall_ratios_per_run": [round(r, 2) for r in wall],
        "storing_stage_cpu_ms": round(statistics.median(1000 * c.cpu / N for c in ours), 4),
        "raw_executemany_cpu_ms": round(statistics.median(1000 * c.cpu / N for c in ceiling), 4),
        "cpu_ratio": round(statistics.median(cpu), 2),
        "cpu_ratios_per_run": [round(r, 2) for r in cpu],
    }


def main() -> None:
    rows = make_postings(N)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "postings.jsonl"
        path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
        full_path = Path(tmp) / "full.jsonl"
        full_path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows[:FULL_N]))
        full_n = min(FULL_N, N)
        del rows  # each measurement runs in its own process, reading the files
        backends: list[tuple[str, Any]] = [("sqlite", None)]
        server = start_postgres(durable=True) if find_bindir() else None
        if server:
            backends.append(("postgresql", server))
        print(
            f"machine: {platform.machine()}, {platform.python_implementation()} "
            f"{platform.python_version()}; {N} postings, median of {RUNS} runs"
        )
        try:
            for name, srv in backends:
                line = {"bench": "load", "backend": name, **_side_by_side(tmp, srv, path)}
                print(orjson.dumps(line).decode(), flush=True)
                whole = _isolated(full_load, _url(tmp, srv, "full"), full_path, full_n)
                split = _isolated(stage_split, _url(tmp, srv, "stages"), full_path, full_n)
                line = {
                    "bench": "load_whole_command",
                    "backend": name,
                    "postings": full_n,
                    "load_per_s": round(whole),
                    **split,
                }
                print(orjson.dumps(line).decode(), flush=True)
        finally:
            if server:
                server.stop()


if __name__ == "__main__":
    main()
