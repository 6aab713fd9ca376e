"""Each format read back with pyarrow, DuckDB and Python's csv: rows, types and provenance."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import insert

from aggregator.export import ExportResult, export_offers
from aggregator.schema import OFFER_FIELDS, SCHEMA_VERSION
from aggregator.snapshots.columns import OFFER_COLUMNS, POSTING_COLUMNS
from aggregator.snapshots.filters import SnapshotFilters, Status
from aggregator.store.database import Store
from aggregator.store.models import CrawlRun
from tests.snapshots.helpers import (
    SameTitleAndCompany,
    read_table,
    store_links,
    store_offers,
    tick,
)
from tests.store.postings_factory import full_posting, minimal_posting

T1 = datetime(2026, 10, 5, 6, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=1)
FORMATS = ("parquet", "csv", "jsonl")
ALL = SnapshotFilters(status=Status.ANY)

DATA = "Data engineer (H/F)"
POSTINGS = [
    full_posting(1, title=DATA),
    minimal_posting(2),
    full_posting(3, title='Chef de rang "étoilé", service\r\ndu soir', company="Le Grand Véfour"),
    full_posting(4, salary_min=0.0, salary_max=1e15, latitude=-90.0, longitude=180.0),
    full_posting(5, salary_min=12.06, salary_max=12.06, salary_period="hour", contract_type=None),
    full_posting(6, posted_at="1970-01-01T00:00:00Z", valid_through="9999-12-31T23:59:59Z"),
    minimal_posting(7, source_offer_id="id with spaces/and,commas?x=1&y=ü"),
    # the same vacancy on a second board: joins offer 1 (provenance of two postings)
    full_posting(1, source="board-b", url="https://b.example/1", posted_at=None, title=DATA),
]


def _crawl_runs(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            insert(CrawlRun),
            [
                {"source": "partner-fr", "status": "ok", "started_at": T1, "finished_at": T1},
                {"source": "partner-fr", "status": "failed", "started_at": T2, "finished_at": T2},
                {"source": "board-b", "status": "running", "started_at": T2, "finished_at": None},
            ],
        )


@pytest.fixture
def filled(store: Store) -> Store:
    """Eight postings, seven offers (one with two postings), then offer 4 closed at T2."""
    matcher = SameTitleAndCompany()
    tick(store, T1, POSTINGS[:7], matcher=matcher)
    tick(store, T1 + timedelta(minutes=5), POSTINGS[7:], matcher=matcher)
    still = [
        p for p in POSTINGS if p["source"] == "partner-fr" and p["source_offer_id"] != "FR-000004"
    ]
    tick(store, T2, still, complete=["partner-fr"], matcher=matcher)
    _crawl_runs(store)
    return store


def _export(store: Store, out: Path, fmt: str, **options: Any) -> ExportResult:
    return export_offers(store, out, fmt, progress=False, **options)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rows_and_provenance_match_the_store(filled: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "snap"
    result = _export(filled, out, fmt, filters=ALL)
    offers, links = store_offers(filled), store_links(filled)
    assert (result.offers, result.postings) == (7, 8)
    assert read_table(out, fmt, "offers") == offers
    assert read_table(out, fmt, "postings") == links
    merged = [o for o in offers if o["source_offer_id"] == "FR-000001"]
    provenance = [p for p in links if p["offer_id"] == merged[0]["offer_id"]]
    assert [(p["source"], p["rule"], p["score"]) for p in provenance] == [
        ("board-b", "same_title_company", 0.97),
        ("partner-fr", "founder", None),
    ]
    closed = next(o for o in offers if o["source_offer_id"] == "FR-000004")
    assert (closed["status"], closed["closed_at"]) == ("closed", T2)


@pytest.mark.parametrize("fmt", FORMATS)
def test_manifest_describes_the_files(filled: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "snap"
    before = datetime.now(UTC).replace(microsecond=0)
    _export(filled, out, fmt)
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["manifest.json", f"offers.{fmt}", f"postings.{fmt}"]
    )
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["as_of"] is None
    assert datetime.fromisoformat(manifest["created_at"]) >= before
    assert manifest["filters"] == {"status": "open"}
    assert manifest["counts"] == {"offers": 6, "postings": 7}
    for name, entry in manifest["files"].items():
        data = (out / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    assert manifest["sources"] == [
        {"source": "board-b", "last_successful_crawl": None, "postings": 1},
        {"source": "partner-fr", "last_successful_crawl": "2026-10-05T06:00:00Z", "postings": 4},
        {"source": "partner-min", "last_successful_crawl": None, "postings": 2},
    ]
    assert manifest["compression"] == ("zstd" if fmt == "parquet" else None)


def test_parquet_is_typed_and_compressed(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    _export(filled, out, "parquet", filters=ALL)
    schema = pq.read_schema(out / "offers.parquet")
    assert schema.names == list(OFFER_COLUMNS)
    stamp = pa.timestamp("us", tz="UTC")
    for name in ("posted_at", "valid_through", "first_seen_at", "last_seen_at", "closed_at"):
        assert schema.field(name).type == stamp
    for name in ("salary_min", "salary_max", "latitude", "longitude"):
        assert schema.field(name).type == pa.float64()
    for name in ("contract_type", "remote", "working_time", "salary_period", "status"):
        assert schema.field(name).type == pa.string()
    assert pq.read_schema(out / "postings.parquet").names == list(POSTING_COLUMNS)
    meta = pq.ParquetFile(out / "offers.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


@pytest.mark.parametrize("fmt", FORMATS)
def test_duckdb_reads_typed_columns_and_joins(filled: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "snap"
    _export(filled, out, fmt, filters=ALL)
    reader = {"parquet": "read_parquet", "csv": "read_csv", "jsonl": "read_json"}[fmt]
    db = duckdb.connect()
    db.execute(f"CREATE VIEW offers AS SELECT * FROM {reader}('{out / f'offers.{fmt}'}')")
    db.execute(f"CREATE VIEW postings AS SELECT * FROM {reader}('{out / f'postings.{fmt}'}')")
    types = dict(db.execute("SELECT column_name, column_type FROM (DESCRIBE offers)").fetchall())
    assert types["salary_max"] == "DOUBLE"
    assert types["first_seen_at"] in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP")
    assert types["title"] == "VARCHAR"
    rows = db.execute(
        "SELECT o.source_offer_id, count(p.source) FROM offers o "
        "LEFT JOIN postings p USING (offer_id) GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert dict(rows) == {"FR-000001": 2} | {
        o["source_offer_id"]: 1 for o in store_offers(filled) if o["source_offer_id"] != "FR-000001"
    }
    paris = db.execute(
        "SELECT count(*) FROM offers WHERE city = 'Paris' AND status = 'open' "
        "AND salary_max >= 50000"
    ).fetchone()
    assert paris == (3,)  # offers 1, 3 and 6 (4 is closed, 5 is paid by the hour)


def test_csv_is_rfc4180_utf8_with_crlf(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    _export(filled, out, "csv", filters=ALL)
    data = (out / "offers.csv").read_bytes()
    header, _, body = data.partition(b"\r\n")
    assert header.decode("utf-8").split(",") == list(OFFER_COLUMNS)
    assert '"Chef de rang ""étoilé"", service\r\ndu soir"'.encode() in body
    assert data.endswith(b"\r\n")
    assert b"2026-11-02T08:15:30.123456Z" in body


def test_single_file_nests_postings(filled: Store, tmp_path: Path) -> None:
    for fmt in FORMATS:
        _export(filled, tmp_path / f"offers.{fmt}", fmt, filters=ALL)
    table = pq.read_table(tmp_path / "offers.parquet")
    assert table.schema.names == list(OFFER_FIELDS)
    nested = {r["source_offer_id"]: r["postings"] for r in table.to_pylist()}
    assert [p["source"] for p in nested["FR-000001"]] == ["board-b", "partner-fr"]
    lines = [orjson.loads(x) for x in (tmp_path / "offers.jsonl").read_bytes().splitlines()]
    assert {o["source_offer_id"]: o["postings"] for o in lines}["FR-000001"][1] == {
        "source": "partner-fr",
        "source_offer_id": "FR-000001",
        "url": "https://emploi.example.fr/offres/1",
        "posted_at": "2026-11-02T08:15:30.123456Z",
    }
