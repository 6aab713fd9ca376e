"""``--as-of T`` reproduces the offers open at T as the store knew them, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aggregator.export import export_offers
from aggregator.sandbox.market import Market
from aggregator.sandbox.model import BoardPosting
from aggregator.snapshots.filters import SnapshotFilters, Status
from aggregator.store.database import Store
from tests.snapshots.helpers import SameTitleAndCompany, folder_bytes, read_table, tick
from tests.store.postings_factory import full_posting

T1 = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
T2, T3 = T1 + timedelta(days=1), T1 + timedelta(days=2)
ANY = SnapshotFilters(status=Status.ANY)


def _snapshot(store: Store, out: Path, fmt: str = "jsonl", **options: Any) -> Path:
    export_offers(store, out, fmt, progress=False, **options)
    return out


def _titles(folder: Path, fmt: str = "jsonl") -> dict[str, tuple[str, str]]:
    return {
        o["source_offer_id"]: (o["title"], o["status"]) for o in read_table(folder, fmt, "offers")
    }


def test_each_state_is_reproduced(store: Store, tmp_path: Path) -> None:
    a, b, c, d = (full_posting(i, title=f"Poste {i}") for i in range(1, 5))
    tick(store, T1, [a, b, c], complete=["partner-fr"])
    tick(store, T2, [{**a, "title": "Poste 1 modifié"}, c], complete=["partner-fr"])
    tick(store, T3, [{**a, "title": "Poste 1 modifié"}, c, d], complete=["partner-fr"])

    def at(when: datetime, status: Status = Status.OPEN) -> dict[str, tuple[str, str]]:
        out = tmp_path / f"{when:%d%H%M}-{status}"
        return _titles(_snapshot(store, out, as_of=when, filters=SnapshotFilters(status=status)))

    assert at(T1 - timedelta(seconds=1)) == {}
    state1 = {"FR-000001": ("Poste 1", "open"), "FR-000002": ("Poste 2", "open")}
    state1["FR-000003"] = ("Poste 3", "open")
    assert at(T1) == at(T2 - timedelta(microseconds=1)) == state1
    assert at(T2) == {"FR-000001": ("Poste 1 modifié", "open"), "FR-000003": ("Poste 3", "open")}
    assert at(T2, Status.CLOSED) == {"FR-000002": ("Poste 2", "closed")}
    assert at(T3) == {
        "FR-000001": ("Poste 1 modifié", "open"),
        "FR-000003": ("Poste 3", "open"),
        "FR-000004": ("Poste 4", "open"),
    }


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_same_as_of_twice_gives_identical_files(store: Store, tmp_path: Path, fmt: str) -> None:
    postings = [full_posting(i, title=f"Poste {i}") for i in range(1, 6)]
    tick(store, T1, postings, complete=["partner-fr"])
    first = folder_bytes(_snapshot(store, tmp_path / "first", fmt, as_of=T1 + timedelta(hours=1)))
    changed = [{**p, "salary_max": 99000.0} for p in postings[:3]]
    tick(store, T2, changed, complete=["partner-fr"])
    tick(store, T3, [*changed, full_posting(9)], complete=["partner-fr"])
    again = folder_bytes(_snapshot(store, tmp_path / "again", fmt, as_of=T1 + timedelta(hours=1)))
    assert again == first
    assert set(first) == {"manifest.json", f"offers.{fmt}", f"postings.{fmt}"}


def _as_posting(p: BoardPosting) -> dict[str, Any]:
    """A sandbox board's copy as a normalized posting (the fields map one to one)."""
    return {
        "source": p.board,
        "source_offer_id": p.source_offer_id,
        "url": f"https://{p.board}.example/jobs/{p.source_offer_id}",
        "apply_url": p.apply_url,
        "title": p.title,
        "company": p.company,
        "description": p.description_html,
        "location_raw": p.location_text,
        **{
            f: getattr(p, f)
            for f in ("city", "postal_code", "region", "country", "latitude", "longitude")
        },
        **{f: getattr(p, f) for f in ("remote", "contract_type", "working_time", "language")},
        **{f: getattr(p, f) for f in ("salary_min", "salary_max", "salary_currency")},
        "salary_period": p.salary_period,
        "salary_raw": p.salary_text,
        "posted_at": p.posted_at,
        "valid_through": p.valid_through,
    }


def _without_last_seen(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Versions are made by changes, not sightings: ``last_seen_at`` is the version's own."""
    return [{k: v for k, v in r.items() if k != "last_seen_at"} for r in rows]


def test_sandbox_ticks_are_reproduced_exactly(store: Store, tmp_path: Path) -> None:
    market = Market(seed=5, scale=0.02)
    matcher = SameTitleAndCompany()
    ticks: list[tuple[datetime, Path]] = []
    for number in range(4):
        if number:
            market.advance()
        now = market.now
        postings = [_as_posting(p) for b in market.boards() for p in market.postings(b.key)]
        tick(store, now, postings, complete=[b.key for b in market.boards()], matcher=matcher)
        ticks.append((now, _snapshot(store, tmp_path / f"live-{number}", filters=ANY)))
    for number, (when, live) in enumerate(ticks):
        past = _snapshot(store, tmp_path / f"asof-{number}", "parquet", as_of=when, filters=ANY)
        assert _without_last_seen(read_table(past, "parquet", "offers")) == _without_last_seen(
            read_table(live, "jsonl", "offers")
        )
        assert read_table(past, "parquet", "postings") == read_table(live, "jsonl", "postings")
    opened = [
        _titles(_snapshot(store, tmp_path / f"open-{n}", as_of=when))
        for n, (when, _) in enumerate(ticks)
    ]
    assert all(all(status == "open" for _, status in state.values()) for state in opened)
    assert len({frozenset(state) for state in opened}) == len(ticks)  # the market moved
