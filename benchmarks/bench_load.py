"""Load throughput: ``aggregator load`` of 200k postings vs a raw executemany of the same rows.

The raw ceiling inserts the already-validated column values straight into ``postings`` with
one executemany per 2,000 rows (no parsing, validation, hashing, offers or full-text index);
our load parses and validates each JSON line, hashes content, upserts postings, dedupes them
against the store, founds consolidated offers with provenance and search columns and
maintains the full-text index. A last run splits our CPU time per stage (``load_stages``:
parse/validate, upsert postings, dedupe match, offers insert + search columns + FTS + founder
links, links of postings that joined an offer). ``BENCH_LOAD_N`` sets the size (default 200k).
"""

from __future__ import annotations

import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import insert

from aggregator.dedupe_store.matcher import default_matcher
from aggregator.devtools.pgserver import find_bindir, start_postgres
from aggregator.loader import BATCH_SIZE, load_file, parse_line
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import open_store
from aggregator.store.models import PostingRow, table_of
from aggregator.store.postings import ensure_sources, posting_values

N = int(__import__("os").environ.get("BENCH_LOAD_N", "200000"))
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


def raw_ceiling(url: str, rows: list[dict[str, Any]]) -> float:
    store = open_store(url)
    now = datetime.now(UTC)
    values = [posting_values(Posting.model_validate(r)) for r in rows]
    for v in values:
        v.update(content_hash="0" * 32, first_seen_at=now, last_seen_at=now, changed_at=now)
    start = time.perf_counter()
    with store.engine.begin() as conn:
        ensure_sources(conn, {v["source"] for v in values}, now)
    for i in range(0, len(values), 2000):
        with store.engine.begin() as conn:
            conn.execute(insert(table_of(PostingRow)), values[i : i + 2000])
    elapsed = time.perf_counter() - start
    store.close()
    return len(rows) / elapsed


def our_load(url: str, path: Path) -> float:
    store = open_store(url)
    start = time.perf_counter()
    report = load_file(store, path)
    elapsed = time.perf_counter() - start
    store.close()
    assert report.loaded == N and not report.rejections
    return N / elapsed


def stage_split(url: str, path: Path) -> dict[str, float]:
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
    return {f"{name}_cpu_ms": round(1000 * s / N, 3) for name, s in timings.items()}


def main() -> None:
    rows = make_postings(N)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "postings.jsonl"
        path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
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
                ours: list[float] = []
                ceiling: list[float] = []
                for run in range(RUNS):
                    for kind, bucket in (("ceiling", ceiling), ("ours", ours)):
                        if srv is None:
                            url = f"sqlite:///{tmp}/{kind}-{run}.db"
                        else:
                            url = srv.create_database(f"{kind}_{run}")
                        if kind == "ceiling":
                            bucket.append(raw_ceiling(url, rows))
                        else:
                            bucket.append(our_load(url, path))
                o, c = statistics.median(ours), statistics.median(ceiling)
                print(
                    orjson.dumps(
                        {
                            "bench": "load",
                            "backend": name,
                            "postings": N,
                            "load_per_s": round(o),
                            "raw_executemany_per_s": round(c),
                            "ratio": round(o / c, 2),
                        }
                    ).decode(),
                    flush=True,
                )
                url = f"sqlite:///{tmp}/stages.db" if srv is None else srv.create_database("stages")
                split = {"bench": "load_stages", "backend": name, **stage_split(url, path)}
                print(orjson.dumps(split).decode(), flush=True)
        finally:
            if server:
                server.stop()


if __name__ == "__main__":
    main()
