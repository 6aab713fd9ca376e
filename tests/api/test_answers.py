"""The answer cache: repeated URLs are replayed, and never once the store's data has changed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from aggregator.api.app import create_app
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import OfferRow
from tests.api.conftest import NOW
from tests.api.offers_data import LYON, OFFERS

NEW_OFFER: dict[str, Any] = {
    "source": "francetravail",
    "source_offer_id": "lyon-python-new",
    "url": "https://boards.example.fr/lyon-python-new",
    "title": "Développeur Python confirmé",
    "language": "fr",
    "posted_at": "2026-11-12T09:00:00Z",
    "description": "Développement Python dans une équipe produit à Lyon.",
    "latitude": 45.76,
    "longitude": 4.84,
    **LYON,
}
SEARCH: dict[str, str | int] = {"q": "python", "place": "Lyon", "radius_km": 30}


def _hit(response: Any) -> bool:
    return response.headers.get("x-answer-cache") == "hit"


def _urls(body: dict[str, Any]) -> set[str]:
    return {item["url"] for item in body["items"]}


def test_repeated_answers_are_replayed_until_the_data_changes(store: Store) -> None:
    with store.engine.begin() as conn:
        store_postings(conn, [Posting.model_validate(o) for o in OFFERS], NOW)
    with TestClient(create_app(store.url, facet_ttl=60, answer_ttl=60)) as client:
        first = client.get("/offers", params=SEARCH)
        again = client.get("/offers", params=SEARCH)
        assert first.status_code == again.status_code == 200
        assert not _hit(first) and _hit(again)
        assert again.content == first.content
        facets = client.get("/facets", params=SEARCH).json()
        assert _hit(client.get("/facets", params=SEARCH))

        # a write committed by another connection (the crawler) invalidates every answer
        with store.engine.begin() as conn:
            store_postings(conn, [Posting.model_validate(NEW_OFFER)], NOW)
        fresh = client.get("/offers", params=SEARCH)
        assert not _hit(fresh)
        assert _urls(fresh.json()) == _urls(first.json()) | {NEW_OFFER["url"]}
        assert fresh.json()["total"]["value"] == first.json()["total"]["value"] + 1
        assert client.get("/facets", params=SEARCH).json()["total"] == facets["total"] + 1

        # an update (an offer closes) too, and the offer's own page follows
        offer_id = fresh.json()["items"][0]["offer_id"]
        assert client.get(f"/offers/{offer_id}").json()["status"] == "open"
        with store.engine.begin() as conn:
            conn.execute(
                update(OfferRow).where(OfferRow.offer_id == offer_id).values(status="closed")
            )
        assert client.get(f"/offers/{offer_id}").json()["status"] == "closed"
        after = client.get("/offers", params=SEARCH).json()
        assert offer_id not in {item["offer_id"] for item in after["items"]}


def test_errors_and_other_queries_are_not_replayed(store: Store) -> None:
    with store.engine.begin() as conn:
        store_postings(conn, [Posting.model_validate(o) for o in OFFERS[:3]], NOW)
    with TestClient(create_app(store.url, answer_ttl=60)) as client:
        for _ in range(2):
            bad = client.get("/offers", params={"radius_km": 10})
            assert bad.status_code == 422 and not _hit(bad)
        client.get("/offers", params={"q": "python"})
        other = client.get("/offers", params={"q": "python", "limit": 1})
        assert not _hit(other) and len(other.json()["items"]) == 1
        assert not _hit(client.get("/healthz"))
        assert not _hit(client.get("/healthz"))


def test_a_zero_ttl_turns_the_cache_off(store: Store) -> None:
    with store.engine.begin() as conn:
        store_postings(conn, [Posting.model_validate(o) for o in OFFERS[:3]], NOW)
    with TestClient(create_app(store.url, answer_ttl=0)) as client:
        client.get("/offers")
        assert not _hit(client.get("/offers"))
