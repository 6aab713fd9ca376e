"""Load throughput: ``aggregator load`` of 200k postings vs a raw executemany of the same rows.

The raw ceiling inserts the already-validated column values straight into ``postings`` with
one executemany per 2,000 rows (no parsing, validation, hashing, offers or full-text index);
our load parses and validates each JSON line, hashes content, upserts postings, founds
consolidated offers with provenance and maintains the full-text index.
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

from aggregator.devtools.pgserver import find_bindir, start_postgres
from aggregator.loader import load_file
from aggregator.schema import Posting
from aggregator.store.database import open_store
from aggregator.store.models import PostingRow
from aggregator.store.postings import ensure_sources, posting_values

N = int(__import__("os").environ.get("BENCH_LOAD_N", "200000"))
RUNS = 3
TITLES = ["Développeur Python", "Infirmier de bloc", "Chauffeur PL", "Comptable", "Vendeur"]
CITIES = [("Paris", "75015"), ("Lyon", "69003"), ("Nantes", "44000"), ("Lille", "59000")]


def make_postings(n: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        city, postal = rng.choice(CITIES)
        out.append(
            {
                "source": f"board-{i % 70:02d}",
                "source_offer_id": f"{i:08d}",
                "url": f"https://board.example/jobs/{i}",
                "title": f"{rng.choice(TITLES)} (H/F)",
                "company": f"Entreprise {i % 5000} SAS",
                "description": "Nous recherchons un profil motivé. " * rng.randint(5, 40),
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
            conn.execute(insert(PostingRow.__table__), values[i : i + 2000])
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
                ours, ceiling = [], []
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
        finally:
            if server:
                server.stop()


if __name__ == "__main__":
    main()
