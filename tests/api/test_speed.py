"""The bounded-work paths: relevance window, totals counted once, write-time facet counters."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, delete, select, update

from aggregator.api import ranking, recent, search
from aggregator.api.params import StatusFilter
from aggregator.api.summary import counters
from aggregator.api.tables import offers
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from tests.api.conftest import NOW
from tests.api.offers_data import OFFERS


def _pages(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    pages = [client.get("/offers", params={**params, "limit": 2}).json()]
    while pages[-1]["next_cursor"]:
        cursor = pages[-1]["next_cursor"]
        pages.append(client.get("/offers", params={**params, "limit": 2, "cursor": cursor}).json())
    return pages


def test_relevance_pages_cover_every_match_once_in_score_order(client: TestClient) -> None:
    pages = _pages(client, q="python")
    items = [item for page in pages for item in page["items"]]
    ids = [item["offer_id"] for item in items]
    assert len(ids) == len(set(ids)) == pages[0]["total"]["value"] > 4
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    # counted once, on the first page; later pages carry the same total
    assert all(page["total"] == pages[0]["total"] for page in pages)


def test_common_word_ranks_only_the_most_recent_window(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = [i for p in _pages(client, q="python") for i in p["items"]]
    monkeypatch.setattr(ranking, "RANK_WINDOW", 3)
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    pages = _pages(client, q="python")
    windowed = [item for page in pages for item in page["items"]]
    # the window is the 3 most recently stored matches, ranked among themselves, stable
    # across pages; the total is still counted over every match
    assert len(windowed) == 3
    assert [i["score"] for i in windowed] == sorted((i["score"] for i in windowed), reverse=True)
    assert {i["offer_id"] for i in windowed} < {i["offer_id"] for i in everything}
    assert pages[0]["total"] == {"value": len(everything), "relation": "eq"}
    # with filters the window holds the most recent offers that pass them
    permanent = _pages(client, q="python", contract_type=["permanent", "fixed_term"])
    assert len([i for p in permanent for i in p["items"]]) == 3
    assert permanent[0]["total"]["relation"] == "eq"


def test_unfiltered_facets_from_counters_equal_a_live_count(client: TestClient) -> None:
    counted = client.get("/facets").json()
    # any real filter reads the offers themselves; this one keeps every open offer
    live = client.get("/facets", params={"posted_since": "1970-01-01"}).json()
    assert counted == live
    assert counted["relation"] == "eq"
    any_status = client.get("/facets", params={"status": "any"}).json()
    assert (
        any_status
        == client.get("/facets", params={"status": "any", "posted_since": "1970-01-01"}).json()
    )
    assert any_status["total"] > counted["total"]


def _live(conn: Connection, status: str) -> dict[str, Counter[str | None]]:
    rows = conn.execute(select(offers).where(offers.c.status == status)).mappings().all()
    result = {
        name: Counter(r[name] for r in rows)
        for name in ("contract_type", "working_time", "remote", "region", "source")
    }
    result["salary_k"] = Counter(
        str(int(r["salary_year_max"] // 1000)) if r["salary_year_max"] is not None else None
        for r in rows
    )
    return result


def _counted(conn: Connection, status: StatusFilter) -> dict[str, Counter[str | None]]:
    return {name: Counter(values) for name, values in counters(conn, status).items()}


def _same(conn: Connection) -> None:
    for status in (StatusFilter.OPEN, StatusFilter.CLOSED):
        live = {k: +v for k, v in _live(conn, status.value).items() if +v}
        assert _counted(conn, status) == live, status


def test_counters_follow_inserts_updates_and_deletes(store: Store) -> None:
    postings = [Posting.model_validate(o) for o in OFFERS]
    for _ in range(12):  # enough statements for PostgreSQL to fold its deltas now and then
        with store.engine.begin() as conn:
            store_postings(conn, postings, NOW)
    with store.engine.begin() as conn:
        _same(conn)
        some = conn.execute(select(offers.c.offer_id).order_by(offers.c.offer_id)).scalars().all()
        conn.execute(
            update(offers)
            .where(offers.c.offer_id.in_(some[:3]))
            .values(status="closed", contract_type="internship", salary_year_max=123456.0)
        )
        conn.execute(update(offers).where(offers.c.offer_id == some[4]).values(region=None))
        conn.execute(update(offers).values(last_seen_at=NOW))  # no counted column changes
        conn.execute(delete(offers).where(offers.c.offer_id == some[5]))
    with store.engine.begin() as conn:
        _same(conn)


def test_radius_search_with_a_full_window_counts_every_match(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    params: dict[str, str | int] = {"q": "développeur", "place": "Lyon", "radius_km": 30}
    everything = [i for p in _pages(client, **params) for i in p["items"]]
    assert len(everything) >= 2
    # a full window: PostgreSQL counts the matches in the window's own pass, SQLite estimates
    # from FTS5 (cells included) and counts; both must give the exact total
    monkeypatch.setattr(ranking, "RANK_WINDOW", 1)
    monkeypatch.setattr(search, "RANK_WINDOW", 1)
    first = client.get("/offers", params={**params, "limit": 1}).json()
    assert first["total"] == {"value": len(everything), "relation": "eq"}
    assert first["items"][0]["distance_km"] <= 30


@pytest.mark.parametrize(
    ("params", "from_days"),
    [
        ({"q": "python"}, True),
        ({"q": "développeur python"}, True),
        ({"q": "python", "contract_type": ["permanent", "fixed_term"], "salary_min": 30000}, True),
        ({"q": "développeur", "working_time": ["full_time"], "remote": ["onsite", "hybrid"]}, True),
        ({"q": "python", "salary_min": 42000}, False),  # between two salary tags
        ({"q": "python", "source": ["welcometothejungle"]}, False),
    ],
)
def test_the_last_days_window_is_the_whole_stores_window(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, params: dict[str, Any], from_days: bool
) -> None:
    """PostgreSQL first looks for the window among the last days' matches when every filter is
    a tag of the GIN index (``recent``): when they fill it, the pages are those of the whole
    store, and they were served that way."""
    monkeypatch.setattr(ranking, "RANK_WINDOW", 2)
    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    monkeypatch.setattr(recent, "RECENT_SPANS", ())
    monkeypatch.setattr(ranking, "RECENT_SPANS", ())
    whole = _pages(client, **params)
    served: list[bool] = []
    find = ranking._recent_window

    def spied(*args: Any) -> Any:
        rows = find(*args)
        served.append(rows is not None)
        return rows

    monkeypatch.setattr(ranking, "RECENT_SPANS", (1, 7))
    monkeypatch.setattr(ranking, "_recent_window", spied)
    assert _pages(client, **params) == whole
    assert len(whole[0]["items"]) == 2
    if client.get("/healthz").json()["database"] == "postgresql":
        assert served == [from_days]
