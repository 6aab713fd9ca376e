"""Bad input is rejected line by line with clear messages, and loses nothing already stored."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from aggregator.cli import main
from aggregator.errors import UserError
from aggregator.loader import load_file
from aggregator.store.database import open_store
from aggregator.store.models import OfferRow, PostingRow
from tests.store.postings_factory import full_posting, minimal_posting
from tests.store.test_roundtrip import write_jsonl


def table_state(db_url: str) -> list[tuple[Any, ...]]:
    store = open_store(db_url)
    with store.engine.connect() as conn:
        postings = [tuple(r) for r in conn.execute(select(PostingRow.__table__))]
        offers = [tuple(r) for r in conn.execute(select(OfferRow.__table__))]
    store.close()
    return sorted(postings, key=repr) + sorted(offers, key=repr)


BAD_LINES: list[tuple[bytes, str]] = [
    (b'{"source": "x", "title": ', "malformed JSON"),
    (orjson.dumps(minimal_posting(10, salary_min="lots")), "salary_min"),
    (orjson.dumps(minimal_posting(11, contract_type="CDI")), "contract_type"),
    (orjson.dumps({"source": "x", "url": "https://x.example/1"}), "source_offer_id"),
    (orjson.dumps(minimal_posting(12, title="")), "title"),
    (orjson.dumps(minimal_posting(13, posted_at="2026-01-01T10:00:00")), "time zone"),
    (orjson.dumps(minimal_posting(14, salary_min=5, salary_max=1)), "salary_min is greater"),
    (orjson.dumps(minimal_posting(15, url="not a url")), "url"),
    (orjson.dumps(minimal_posting(16, country="France")), "country"),
    (orjson.dumps(minimal_posting(17, surprise=1)), "unknown field"),
    (orjson.dumps(minimal_posting(18, description="a\x00b")), "NUL"),
    (b"\xff\xfe not utf-8", "invalid UTF-8"),
    (b"[1, 2, 3]", "expected a JSON object"),
    (orjson.dumps(minimal_posting(19, description="x" * 10_000_000)), "MiB limit"),
]


def test_each_bad_line_is_reported_and_good_lines_load(
    db_url: str, tmp_path: Path, capsys: Any
) -> None:
    good = [orjson.dumps(full_posting(i)) for i in range(3)]
    lines = [good[0], *[bad for bad, _ in BAD_LINES], good[1], good[2]]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    assert main(["--db", db_url, "load", str(path)]) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert len(errors) == len(BAD_LINES)
    for number, (line, (_, reason)) in enumerate(zip(errors, BAD_LINES, strict=True), start=2):
        assert line.startswith(f"{path}:{number}: "), line
        assert reason in line, (reason, line)
        assert len(line) < 400
    assert "loaded 3 postings (3 new" in captured.out


def test_rejected_lines_change_nothing_already_stored(db_url: str, tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [full_posting(i) for i in range(5)])
    assert main(["--db", db_url, "load", str(first)]) == 0
    before = table_state(db_url)
    # Same keys as stored postings, but every line invalid: nothing may move.
    bad = [full_posting(i, salary_min=-1) for i in range(5)]
    assert main(["--db", db_url, "load", str(write_jsonl(tmp_path / "bad.jsonl", bad))]) == 1
    assert table_state(db_url) == before


def test_unusable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    cases = {
        "missing.jsonl": None,
        "array.json": b'[{"source": "a"}]',
        "binary.jsonl": bytes(range(256)) * 4,
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        proc = subprocess.run(
            [sys.executable, "-m", "aggregator.cli", "--db", db, "load", str(path)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2, (name, proc.stderr)
        assert proc.stderr.startswith("error: "), proc.stderr
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_unreachable_database_is_one_clear_line() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "aggregator.cli",
            "--db",
            "postgresql://u@127.0.0.1:9/x",
            "db",
            "info",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: cannot open the store at postgresql")
    assert "Traceback" not in proc.stderr


def test_unknown_source_keys_are_registered_as_external(db_url: str, tmp_path: Path) -> None:
    from aggregator.store.models import Source

    path = write_jsonl(tmp_path / "p.jsonl", [minimal_posting(1, source="new-partner")])
    assert main(["--db", db_url, "load", str(path)]) == 0
    store = open_store(db_url)
    with store.engine.connect() as conn:
        row = conn.execute(select(Source).where(Source.key == "new-partner")).one()
    store.close()
    assert row.external is True


def test_source_option_fills_and_guards_the_source(db_url: str, tmp_path: Path) -> None:
    lines = [
        {k: v for k, v in minimal_posting(1).items() if k != "source"},
        minimal_posting(2, source="other"),
    ]
    path = write_jsonl(tmp_path / "p.jsonl", lines)
    assert main(["--db", db_url, "load", str(path), "--source", "partner-x"]) == 1
    store = open_store(db_url)
    with store.engine.connect() as conn:
        sources = list(conn.scalars(select(PostingRow.source)))
    store.close()
    assert sources == ["partner-x"]


def test_a_failed_load_restores_the_collector_settings(db_url: str, tmp_path: Path) -> None:
    """The loader collects garbage rarer while it runs, and puts the settings back after."""
    before = gc.get_threshold()
    bad = tmp_path / "array.jsonl"
    bad.write_text('[{"source": "x"}]\n')
    store = open_store(db_url)
    try:
        with pytest.raises(UserError):
            load_file(store, bad)
        assert gc.get_threshold() == before
        good = write_jsonl(tmp_path / "good.jsonl", [full_posting(1)])
        assert load_file(store, good).loaded == 1
        assert gc.get_threshold() == before
    finally:
        store.close()
