"""``aggregator export``: filters as in the portal API, overwrite rules, one-line errors."""

from __future__ import annotations

import resource
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from aggregator.cli import main
from aggregator.export import export_offers
from aggregator.store.database import Store
from tests.snapshots.helpers import read_table, tick
from tests.store.postings_factory import full_posting, minimal_posting

T1 = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
LYON = {"city": "Lyon", "postal_code": "69003", "region": "Auvergne-Rhône-Alpes"}
BERLIN = {"city": "Berlin", "postal_code": "10115", "region": "Berlin", "country": "DE"}
POSTINGS = [
    full_posting(1),  # Paris, permanent, full time, hybrid, posted 2026-11-02
    full_posting(2, **LYON, contract_type="fixed_term", company="ACME"),
    full_posting(3, **LYON, working_time="part_time", remote="remote", posted_at=None),
    full_posting(4, **BERLIN, language="de", posted_at="2026-08-01T00:00:00Z"),
    minimal_posting(5),
    full_posting(6, source="board-b", company="acme"),
    full_posting(7),  # closed at T1 + 1 day
]


@pytest.fixture
def url(store: Store) -> Iterator[str]:
    tick(store, T1, POSTINGS, complete=["partner-fr"])
    tick(store, T1 + timedelta(days=1), POSTINGS[:3] + POSTINGS[3:4], complete=["partner-fr"])
    yield store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where exports go (the SQLite store lives beside it, in ``tmp_path``)."""
    path = tmp_path / "exports"
    path.mkdir()
    return path


def _ids(url: str, folder: Path, *options: str) -> set[str]:
    out = folder / f"snap{len(list(folder.iterdir()))}"
    assert main(["--db", url, "export", "--out", str(out), "--no-progress", *options]) == 0
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    rows = read_table(out, "jsonl", "offers")
    assert manifest["counts"]["offers"] == len(rows)
    return {r["source_offer_id"] for r in rows}


def test_filters_select_like_the_portal(url: str, folder: Path) -> None:
    assert _ids(url, folder) == {
        "FR-000001",
        "FR-000002",
        "FR-000003",
        "FR-000004",
        "M5",
        "FR-000006",
    }
    assert _ids(url, folder, "--status", "closed") == {"FR-000007"}
    assert _ids(url, folder, "--place", "lyon") == {"FR-000002", "FR-000003"}
    assert _ids(url, folder, "--place", "69") == {"FR-000002", "FR-000003"}
    assert _ids(url, folder, "--place", "Île-de-France") == {"FR-000001", "FR-000006"}
    assert _ids(url, folder, "--place", "Paris", "--status", "any") == {
        "FR-000001",
        "FR-000006",
        "FR-000007",
    }
    assert _ids(url, folder, "--country", "DE") == {"FR-000004"}
    assert _ids(url, folder, "--contract-type", "fixed_term") == {"FR-000002"}
    assert _ids(url, folder, "--working-time", "part_time", "--remote", "remote") == {"FR-000003"}
    assert _ids(url, folder, "--source", "board-b") == {"FR-000006"}
    assert _ids(url, folder, "--company", "Acme") == {"FR-000002", "FR-000006"}
    # listing date: posted_at, else first seen (offer 3 and M5 were first seen on T1)
    assert _ids(url, folder, "--posted-since", "2026-09-01") == {
        "FR-000001",
        "FR-000002",
        "FR-000003",
        "M5",
        "FR-000006",
    }


def test_manifest_records_the_resolved_filters(url: str, folder: Path) -> None:
    out = folder / "snap"
    args = ["--place", "69", "--contract-type", "fixed_term", "--posted-since", "2026-09-01"]
    assert main(["--db", url, "export", "--format", "csv", "--out", str(out), *args]) == 0
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["filters"] == {
        "status": "open",
        "place": {
            "query": "69",
            "matched": {"label": "69", "postal_code_prefix": "69", "country": "FR"},
        },
        "contract_type": ["fixed_term"],
        "posted_since": "2026-09-01T00:00:00Z",
    }


def test_overwrite_is_refused_then_replaces(url: str, folder: Path, capsys: Any) -> None:
    out = folder / "snap"
    assert main(["--db", url, "export", "--out", str(out)]) == 0
    (out / "note.txt").write_text("mine")
    assert main(["--db", url, "export", "--out", str(out)]) == 2
    assert "pass --overwrite" in capsys.readouterr().err
    assert (out / "note.txt").exists()
    assert (
        main(["--db", url, "export", "--format", "parquet", "--out", str(out), "--overwrite"]) == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "offers.parquet",
        "postings.parquet",
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["snap"]  # no temporary left


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--as-of", "2999-01-01T00:00:00Z"], "is in the future"),
        (["--as-of", "2026-09-01T10:00:00"], "needs a time zone"),
        (["--as-of", "yesterday"], "is not an ISO 8601"),
        (["--place", "Nowhere-sur-Rien"], "--place: no place named"),
    ],
)
def test_bad_options_are_one_line_errors(
    url: str, folder: Path, capsys: Any, options: list[str], message: str
) -> None:
    out = folder / "snap"
    assert main(["--db", url, "export", "--out", str(out), *options]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not list(folder.iterdir())


@pytest.fixture
def small_file_limit() -> Iterator[None]:
    """Files of this process may not grow past 64 KiB (writes fail with EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_failed_write_is_one_line_and_keeps_the_previous_snapshot(
    store: Store, folder: Path, request: pytest.FixtureRequest
) -> None:
    tick(store, T1, [full_posting(i, description="é" * 20_000) for i in range(8)])
    out = folder / "snap"
    export_offers(store, out, "jsonl", progress=False, filters=None)
    kept = (out / "offers.jsonl").read_bytes()
    request.getfixturevalue("small_file_limit")
    with pytest.raises(Exception) as caught:
        export_offers(store, out, "csv", overwrite=True, progress=False)
    assert type(caught.value).__name__ == "UserError"
    assert str(caught.value).startswith(f"cannot write {out}: the file is too large")
    assert (out / "offers.jsonl").read_bytes() == kept
    assert sorted(p.name for p in folder.iterdir()) == ["snap"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(url: str, folder: Path, capsys: Any) -> None:
    assert main(["--db", url, "export", "--out", str(folder / "s")]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("exported 6 offers (6 postings)")
