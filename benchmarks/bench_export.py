"""Export throughput: a million offers to Parquet, CSV and JSON Lines, time and peak memory.

The store (SQLite) is generated with set-based ``INSERT ... SELECT`` over a counter, which
takes seconds instead of the minutes the pipeline would: N offers, one posting each plus a
second one for every fifth offer, 10 % closed, texts of 400-1,200 characters, and one history
version per offer and link. Each export runs in a fresh process, which reports its wall time
and peak resident memory (``ru_maxrss``), so formats do not share a heap.

    BENCH_EXPORT_N=100000 .venv/bin/python -m benchmarks export
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

N = int(os.environ.get("BENCH_EXPORT_N", "1000000"))
FORMATS = ("parquet", "csv", "jsonl")
TEXT = (
    "Nous recherchons pour notre client, acteur reconnu de son secteur, un(e) collaborateur(rice) "
    "motivé(e). Missions : accueil, suivi des dossiers, relation client, reporting hebdomadaire. "
    "Profil : formation Bac+2 à Bac+5, première expérience appréciée, rigueur et sens du service. "
) * 8
STAMP = (
    "strftime('%Y-%m-%d %H:%M:%S', '2026-09-01', '+' || ({} % 2000000) || ' seconds') || '.000000'"
)


def _seq(n: int) -> str:
    return f"WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {n - 1})"


def _pick(expr: str, values: list[str]) -> str:
    cases = " ".join(f"WHEN {k} THEN '{v}'" for k, v in enumerate(values))
    return f"CASE ({expr}) % {len(values)} {cases} END"


def _postings_sql(n: int) -> str:
    extra = n // 5
    offer = f"(CASE WHEN i < {n} THEN i ELSE (i - {n}) * 5 END)"
    seen = STAMP.format(offer)
    closed = f"CASE WHEN {offer} % 10 = 0 THEN {STAMP.format(offer + ' + 86400')} END"
    return f"""{_seq(n + extra)}
INSERT INTO postings (id, source, source_offer_id, content_hash, first_seen_at, last_seen_at,
  changed_at, closed_at, url, apply_url, title, company, description, location_raw, city,
  postal_code, region, country, latitude, longitude, remote, contract_type, working_time,
  salary_min, salary_max, salary_currency, salary_period, salary_raw, posted_at, language)
SELECT i + 1, printf('board-%02d', i % 70), printf('%09d', i), printf('%032x', i), {seen}, {seen},
  {seen}, {closed}, printf('https://board.example/jobs/%d', i),
  printf('https://board.example/jobs/%d/apply', i),
  {_pick(offer, ["Développeur Python (H/F)", "Infirmier de bloc", "Chauffeur PL", "Comptable"])},
  printf('Entreprise %d SAS', {offer} % 5000), substr('{TEXT}', 1 + i % 50, 400 + i % 800),
  {_pick(offer, ["75015 Paris", "69003 Lyon", "44000 Nantes", "59000 Lille", "Remote"])},
  {_pick(offer, ["Paris", "Lyon", "Nantes", "Lille", "Bordeaux"])},
  {_pick(offer, ["75015", "69003", "44000", "59000", "33000"])},
  {_pick(offer, ["Île-de-France", "Auvergne-Rhône-Alpes", "Pays de la Loire", "Hauts-de-France"])},
  'FR', 45.0 + ({offer} % 500) / 100.0, 2.0 + ({offer} % 300) / 100.0,
  {_pick(offer, ["onsite", "hybrid", "remote"])},
  {_pick(offer, ["permanent", "fixed_term", "temporary", "apprenticeship"])},
  {_pick(offer, ["full_time", "part_time"])},
  28000.0 + {offer} % 20000, 34000.0 + {offer} % 30000, 'EUR', 'year',
  printf('%d k€ brut annuel', 28 + {offer} % 20), {seen}, 'fr'
FROM seq"""


OFFER_FIELDS = (
    "url, apply_url, title, company, description, location_raw, city, postal_code, region, "
    "country, latitude, longitude, remote, contract_type, working_time, salary_min, salary_max, "
    "salary_currency, salary_period, salary_raw, posted_at, language"
)


def build_store(path: Path, n: int) -> str:
    """A migrated SQLite store holding ``n`` offers with postings, links and history."""
    from aggregator.store.database import open_store

    url = f"sqlite:///{path}"
    store = open_store(url)
    with store.engine.connect() as conn:

        def sql(statement: str) -> None:
            """One statement per transaction: the WAL is checkpointed between tables."""
            with conn.begin():
                conn.exec_driver_sql(statement)

        sql(
            f"{_seq(70)} INSERT INTO sources (key, name, priority, external, enabled, created_at) "
            "SELECT printf('board-%02d', i), printf('Board %d', i), 0, 0, 1, "
            "'2026-08-01 00:00:00.000000' FROM seq"
        )
        sql(_postings_sql(n))
        sql(
            "INSERT INTO offers (offer_id, source, source_offer_id, status, first_seen_at, "
            f"last_seen_at, closed_at, updated_at, description, {OFFER_FIELDS}) "
            "SELECT printf('off_%020x', id - 1), source, source_offer_id, "
            "CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END, first_seen_at, "
            f"last_seen_at, closed_at, changed_at, description, {OFFER_FIELDS} "
            f"FROM postings WHERE id <= {n}"
        )
        sql(
            "INSERT INTO offer_postings (posting_id, offer_id, rule, score, linked_at) "
            f"SELECT id, printf('off_%020x', CASE WHEN id <= {n} THEN id - 1 "
            f"ELSE (id - 1 - {n}) * 5 END), "
            f"CASE WHEN id <= {n} THEN 'founder' ELSE 'same_title_company' END, "
            f"CASE WHEN id <= {n} THEN NULL ELSE 0.93 END, first_seen_at FROM postings"
        )
        fields = (
            "source, source_offer_id, status, first_seen_at, last_seen_at, closed_at, "
            f"description, {OFFER_FIELDS}"
        )
        sql(
            f"INSERT INTO offer_versions (offer_id, valid_from, content_hash, {fields}) "
            f"SELECT offer_id, first_seen_at, NULL, {fields} FROM offers"
        )
        sql(
            "INSERT INTO offer_memberships (offer_id, posting_id, valid_from, source, "
            "source_offer_id, url, posted_at, first_seen_at, closed_at, rule, score) "
            "SELECT l.offer_id, l.posting_id, p.first_seen_at, p.source, p.source_offer_id, p.url, "
            "p.posted_at, p.first_seen_at, p.closed_at, l.rule, l.score "
            "FROM offer_postings l JOIN postings p ON p.id = l.posting_id"
        )
    store.close()
    return url


def child(fmt: str, url: str, out: str, as_of: str | None) -> None:
    """One export in this process; prints seconds, peak RSS and output size as JSON."""
    from aggregator.export import export_offers
    from aggregator.snapshots.filters import SnapshotFilters, Status
    from aggregator.store.database import open_store

    store = open_store(url)
    when = datetime.fromisoformat(as_of) if as_of else None
    started = time.perf_counter()
    result = export_offers(
        store,
        Path(out),
        fmt,
        filters=SnapshotFilters(status=Status.ANY),
        as_of=when,
        progress=False,
    )
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in Path(out).iterdir())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "bytes": size, "offers": result.offers}))


def _run(fmt: str, url: str, out: Path, as_of: str | None = None) -> dict[str, float]:
    args = [sys.executable, "-m", "benchmarks.bench_export", "--child", fmt, url, str(out)]
    done = subprocess.run([*args, as_of or ""], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"export {fmt} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        url = build_store(folder / "store.db", N)
        built = time.perf_counter() - started
        db_mb = (folder / "store.db").stat().st_size / 2**20
        postings = N + N // 5
        print(
            f"store: {N:,} offers, {postings:,} postings, {db_mb:,.0f} MiB, built in {built:.0f} s"
        )
        python = platform.python_version()
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}")
        print("| export | time (s) | offers/s | peak RSS (MiB) | output (MiB) |")
        print("|---|---:|---:|---:|---:|")
        runs = [(fmt, None) for fmt in FORMATS] + [("parquet", "2026-10-01T00:00:00+00:00")]
        for fmt, as_of in runs:
            out = folder / f"snap-{fmt}-{'asof' if as_of else 'now'}"
            r = _run(fmt, url, out, as_of)
            label = f"{fmt}{' --as-of' if as_of else ''}"
            print(
                f"| {label} | {r['seconds']:.1f} | {r['offers'] / r['seconds']:,.0f} "
                f"| {r['peak_mb']:,.0f} | {r['bytes'] / 2**20:,.0f} |",
                flush=True,
            )
            shutil.rmtree(out)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] or None)
    else:
        main()
