"""Load a file of postings, export it, and get every field back unchanged, on both backends."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from aggregator.cli import main
from aggregator.schema import POSTING_FIELDS
from tests.store.postings_factory import full_posting, minimal_posting


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line]


def same_value(field: str, given: Any, got: Any) -> bool:
    if field in ("posted_at", "valid_through") and given is not None:
        return datetime.fromisoformat(given) == datetime.fromisoformat(got)
    return bool(given == got)


EDGE_CASES = [
    full_posting(1),
    minimal_posting(2),
    full_posting(3, description="é" * 200_000, title=" ".join(["Ünïcødé"] * 50)),
    full_posting(4, salary_min=0.0, salary_max=1e15, latitude=-90.0, longitude=180.0),
    full_posting(5, salary_min=12.06, salary_max=12.06, salary_period="hour"),
    full_posting(6, posted_at="1970-01-01T00:00:00Z", valid_through="9999-12-31T23:59:59Z"),
    full_posting(7, posted_at="2026-03-29T01:30:00+02:00", company=None, description=""),
    minimal_posting(8, source_offer_id="id with spaces/and/slashes?x=1&y=ü"),
    full_posting(9, title="'; DROP TABLE postings; --", company='"quoted" \\ back\tslash'),
]


def test_load_then_export_gives_every_field_back(db_url: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", EDGE_CASES)
    assert main(["--db", db_url, "load", str(source)]) == 0
    out = tmp_path / "out.jsonl"
    assert main(["--db", db_url, "export", "--format", "jsonl", "--out", str(out)]) == 0

    exported = {(o["source"], o["source_offer_id"]): o for o in read_jsonl(out)}
    assert len(exported) == len(EDGE_CASES)
    for given in EDGE_CASES:
        offer = exported[(given["source"], given["source_offer_id"])]
        for field in POSTING_FIELDS:
            expected = given.get(field, "" if field == "description" else None)
            assert same_value(field, expected, offer[field]), (given["source_offer_id"], field)
        assert offer["status"] == "open"
        assert offer["offer_id"].startswith("off_")
        assert offer["postings"] == [
            {
                "source": given["source"],
                "source_offer_id": given["source_offer_id"],
                "url": given["url"],
                "posted_at": offer["posted_at"],
            }
        ]


def test_csv_export_is_rfc4180_and_complete(db_url: str, tmp_path: Path) -> None:
    import csv

    source = write_jsonl(tmp_path / "in.jsonl", EDGE_CASES)
    assert main(["--db", db_url, "load", str(source)]) == 0
    out = tmp_path / "offers.csv"
    assert main(["--db", db_url, "export", "--format", "csv", "--out", str(out)]) == 0
    csv.field_size_limit(10_000_000)  # a 200,000-character description is one field
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(EDGE_CASES)
    by_id = {r["source_offer_id"]: r for r in rows}
    assert by_id["FR-000009"]["title"] == "'; DROP TABLE postings; --"
    assert by_id["FR-000009"]["company"] == '"quoted" \\ back\tslash'
    assert len(by_id["FR-000003"]["description"]) == 200_000
    assert orjson.loads(by_id["M2"]["postings"])[0]["source_offer_id"] == "M2"
    assert by_id["M2"]["company"] == ""


def test_snapshot_folder_has_offers_postings_and_manifest(db_url: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", EDGE_CASES[:3])
    assert main(["--db", db_url, "load", str(source)]) == 0
    out = tmp_path / "snapshot"
    assert main(["--db", db_url, "export", "--out", str(out)]) == 0
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["counts"] == {"offers": 3, "postings": 3}
    assert len(read_jsonl(out / "offers.jsonl")) == 3
    assert {p["offer_id"] for p in read_jsonl(out / "postings.jsonl")} == {
        o["offer_id"] for o in read_jsonl(out / "offers.jsonl")
    }


def test_export_refuses_to_overwrite(db_url: str, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("keep me")
    assert main(["--db", db_url, "export", "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    assert main(["--db", db_url, "export", "--out", str(out), "--overwrite"]) == 0
