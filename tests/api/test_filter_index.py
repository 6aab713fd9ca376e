"""Keyword searches with filters answer exactly what the filters say, on both backends.

On SQLite the filters a keyword search uses most are tested inside FTS5 (tags and cells of open
offers, migration 0009) and its totals are sampled or split by cell; each result here is
checked against the offers table read directly and filtered in Python.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from aggregator.api import counting, ranking, search
from aggregator.api.app import create_app
from aggregator.api.filters import Circle
from aggregator.api.tables import offers
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import OfferRow
from aggregator.store.search_index import backfill
from tests.api.conftest import NOW

LYON = (45.7640, 4.8357)
CONTRACTS = ["permanent", "fixed_term", "temporary", "apprenticeship", None]
PERIODS = {"year": (20_000, 200_000), "month": (1_600, 5_000), "hour": (11.0, 40.0)}


def _posting(rng: random.Random, number: int) -> dict[str, Any]:
    period = rng.choice([*PERIODS, None])
    salary: dict[str, Any] = {}
    if period is not None:
        low, high = PERIODS[period]
        amount = round(rng.uniform(low, high), 2)
        salary = {
            "salary_min": amount,
            "salary_max": round(amount * rng.choice((1.0, 1.2)), 2),
            "salary_currency": "EUR",
            "salary_period": period,
        }
    lat = LYON[0] + rng.uniform(-0.6, 0.6)
    lon = LYON[1] + rng.uniform(-0.8, 0.8)
    title = rng.choice(["Technicien de maintenance", "Technicienne réseaux", "Technicien SAV"])
    return {
        "source": "francetravail",
        "source_offer_id": f"gen-{number}",
        "url": f"https://boards.example.fr/gen-{number}",
        "title": title + (" Zorglub" if number >= 360 else ""),
        "company": f"Entreprise {number % 37}",
        "description": "Maintenance préventive et curative des équipements.",
        "language": "fr",
        "posted_at": (NOW - timedelta(hours=400 - number)).isoformat(),
        "city": "Lyon",
        "country": "FR",
        "latitude": round(lat, 5),
        "longitude": round(lon, 5),
        "contract_type": rng.choice(CONTRACTS),
        "working_time": rng.choice(["full_time", "part_time", None]),
        "remote": rng.choice(["onsite", "hybrid", "remote", None]),
        **salary,
    }


@pytest.fixture
def generated(store: Store, db_url: str) -> Iterator[TestClient]:
    """400 technician offers around Lyon (the last 40 also say "Zorglub"), one in 8 closed."""
    rng = random.Random(7)
    postings = [Posting.model_validate(_posting(rng, n)) for n in range(400)]
    with store.engine.begin() as conn:
        store_postings(conn, postings, NOW)
        backfill(conn)
        ids = conn.execute(select(OfferRow.offer_id).order_by(OfferRow.offer_id)).scalars().all()
        conn.execute(
            update(OfferRow).where(OfferRow.offer_id.in_(ids[::8])).values(status="closed")
        )
    with TestClient(create_app(db_url, facet_ttl=0, answer_ttl=0)) as client:
        yield client


def _every(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    """Every offer of a search, walking its pages by date."""
    params = {**params, "sort": "date", "limit": 100}
    page = client.get("/offers", params=params)
    assert page.status_code == 200, page.text
    items = list(page.json()["items"])
    while cursor := page.json()["next_cursor"]:
        page = client.get("/offers", params={**params, "cursor": cursor})
        items.extend(page.json()["items"])
    return items


def _expected(store: Store, status: str = "open", **filters: Any) -> set[str]:
    """The offers the filters describe, read from the table and filtered in Python."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(offers)).all()
    found = set()
    for row in rows:
        if status != "any" and row.status != status:
            continue
        for name in ("contract_type", "working_time", "remote"):
            if name in filters and getattr(row, name) not in filters[name]:
                break
        else:
            salary = row.salary_year_max
            if "salary_min" in filters and (salary is None or salary < filters["salary_min"]):
                continue
            if "radius_km" in filters:
                circle = Circle(LYON[0], LYON[1], filters["radius_km"])
                distance = circle.distance_km(row.latitude, row.longitude)
                if distance is None or distance > filters["radius_km"]:
                    continue
            found.add(row.offer_id)
    return found


CASES: list[dict[str, Any]] = [
    {"contract_type": ["permanent"]},
    {"contract_type": ["fixed_term", "temporary"], "working_time": ["part_time"]},
    {"remote": ["remote", "hybrid"]},
    {"salary_min": 40_000},  # a tag threshold: exact in FTS5
    {"salary_min": 42_500},  # between thresholds: the tag of 40,000 and SQL refine
    {"salary_min": 160_000},  # above the last threshold (150,000): SQL alone
    {"contract_type": ["permanent"], "salary_min": 30_000, "radius_km": 25},
    {"radius_km": 20},
    {"status": "closed", "contract_type": ["permanent"]},
    {"status": "any", "remote": ["onsite"], "salary_min": 25_000},
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join(map(str, case.values())))
def test_keyword_and_filters_return_exactly_the_matching_offers(
    generated: TestClient, store: Store, case: dict[str, Any]
) -> None:
    filters = {k: v for k, v in case.items() if k != "status"}
    status = case.get("status", "open")
    params = {"q": "technicien", "status": status, **filters}
    if "radius_km" in filters:
        params.update(lat=LYON[0], lon=LYON[1])
    found = {item["offer_id"] for item in _every(generated, **params)}
    expected = _expected(store, status, **filters)
    assert expected, "the case must select some offers"
    assert found == expected
    total = generated.get("/offers", params=params).json()["total"]
    assert total == {"value": len(expected), "relation": "eq"}


def test_closing_and_reopening_an_offer_moves_it_out_of_and_back_into_filtered_searches(
    generated: TestClient, store: Store
) -> None:
    params = {"q": "technicien", "contract_type": "permanent", "lat": LYON[0], "lon": LYON[1]}
    params["radius_km"] = 60
    before = {item["offer_id"] for item in _every(generated, **params)}
    chosen = sorted(before)[0]
    for status, present in (("closed", False), ("open", True)):
        with store.engine.begin() as conn:
            conn.execute(update(OfferRow).where(OfferRow.offer_id == chosen).values(status=status))
        found = {item["offer_id"] for item in _every(generated, **params)}
        assert (chosen in found) is present
        assert found - {chosen} == before - {chosen}


@pytest.mark.parametrize("radius", [10, 25, 50])
def test_a_full_window_counts_a_radius_search_exactly(
    generated: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch, radius: int
) -> None:
    monkeypatch.setattr(ranking, "RANK_WINDOW", 3)
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    params = {"q": "technicien", "lat": LYON[0], "lon": LYON[1], "radius_km": radius}
    body = generated.get("/offers", params=params).json()
    expected = _expected(store, radius_km=radius)
    assert len(expected) > 3
    assert body["total"] == {"value": len(expected), "relation": "eq"}
    assert all(item["distance_km"] <= radius for item in body["items"])


def test_a_sampled_estimate_answers_at_least_only_for_words_spread_over_the_store(
    generated: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.dialect != "sqlite":
        pytest.skip("PostgreSQL estimates from its planner's statistics, not from samples")
    # a small store, sampled as a national one would be: 8 slices of 1/32 of the rowids
    monkeypatch.setattr(counting, "MIN_SLICE", 4)
    monkeypatch.setattr(counting, "SLICE_SHARE", 1 / 32)
    monkeypatch.setattr(counting, "COUNT_CAP", 60)
    monkeypatch.setattr(search, "COUNT_CAP", 60)
    monkeypatch.setattr(ranking, "RANK_WINDOW", 5)
    monkeypatch.setattr(search, "RANK_WINDOW", 5)
    spread = generated.get("/offers", params={"q": "technicien"}).json()
    assert spread["total"] == {"value": 60, "relation": "gte"}
    # "Zorglub" is in the 40 newest offers only: an estimate from the newest matches would
    # claim far more than 60; the median slice holds none, so they are counted
    recent = generated.get("/offers", params={"q": "zorglub"}).json()
    open_recent = sum(1 for item in _every(generated, q="zorglub"))
    assert recent["total"] == {"value": open_recent, "relation": "eq"}
    assert 30 <= open_recent <= 40
