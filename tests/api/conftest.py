"""A filled store on SQLite and PostgreSQL, and the API on it, once per backend per session."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, insert, select, update

from aggregator.api.app import create_app
from aggregator.devtools.pgserver import PostgresServer
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import open_store
from aggregator.store.models import CrawlRun, OfferPosting, OfferRow, PostingRow
from aggregator.store.offers import Link
from aggregator.store.search_index import backfill
from tests.api.offers_data import CLOSED, DUPLICATE, OFFERS

NOW = datetime(2026, 11, 14, 12, 0, tzinfo=UTC)


class LinkDuplicate:
    """Dedupe stand-in: links the duplicate posting to the Lyon Python offer."""

    def match(self, conn: Connection, posting_ids: Sequence[int]) -> dict[int, Link]:
        rows = conn.execute(
            select(PostingRow.id, PostingRow.source_offer_id).where(PostingRow.id.in_(posting_ids))
        )
        target = conn.execute(
            select(OfferPosting.offer_id)
            .join(PostingRow, PostingRow.id == OfferPosting.posting_id)
            .where(PostingRow.source_offer_id == "lyon-python-cdi")
        ).scalar_one()
        return {
            row.id: Link(target, "title_company_city", 0.93)
            for row in rows
            if row.source_offer_id == DUPLICATE["source_offer_id"]
        }

    def sync(self, conn: Connection, posting_ids: Sequence[int]) -> int:
        """Nothing kept per posting, nothing to refresh."""
        return 0


def fill(url: str) -> None:
    """Store the sandbox offers through the pipeline, close one, record crawl runs."""
    store = open_store(url)
    try:
        with store.engine.begin() as conn:
            store_postings(conn, [Posting.model_validate(o) for o in OFFERS], NOW)
        with store.engine.begin() as conn:
            store_postings(conn, [Posting.model_validate(DUPLICATE)], NOW, matcher=LinkDuplicate())
            conn.execute(
                update(OfferRow)
                .where(OfferRow.source_offer_id.in_(sorted(CLOSED)))
                .values(status="closed", closed_at=NOW)
            )
            # until the store calls search_columns on every write, compute them here
            backfill(conn)
            runs = [
                ("francetravail", "ok", 2),
                ("francetravail", "partial", 1),
                ("welcometothejungle", "ok", 1),
                ("remoteok", "failed", 1),
            ]
            conn.execute(
                insert(CrawlRun),
                [
                    {
                        "source": source,
                        "trigger": "crawl",
                        "status": status,
                        "started_at": NOW - timedelta(hours=hours),
                        "finished_at": NOW - timedelta(hours=hours) + timedelta(minutes=5),
                        "requests": 10,
                        "items": 5,
                        "new": 5,
                        "updated": 0,
                        "unchanged": 0,
                        "closed": 0,
                        "parse_errors": 0,
                    }
                    for source, status, hours in runs
                ],
            )
    finally:
        store.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def api_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a filled store, on each backend in turn."""
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('api')) / 'store.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        url = server.create_database(f"api_{request.param}")
    fill(url)
    return url


@pytest.fixture(scope="session")
def client(api_db: str) -> Iterator[TestClient]:
    """The API on the filled store (lifespan run: read-only engine, gazetteer loaded)."""
    with TestClient(create_app(api_db, facet_ttl=0, answer_ttl=0)) as test_client:
        yield test_client
