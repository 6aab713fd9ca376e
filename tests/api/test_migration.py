"""Migration 0003 backfills the search columns of a store that already holds offers."""

from __future__ import annotations

from alembic import command
from fastapi.testclient import TestClient

from aggregator.api.app import create_app
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store import migrate
from aggregator.store.database import Store
from tests.api.conftest import NOW
from tests.api.offers_data import OFFERS


def _migrate(store: Store, target: str, *, down: bool = False) -> None:
    config = migrate.alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, target)


def test_upgrade_indexes_existing_offers(store: Store) -> None:
    with store.engine.begin() as conn:
        store_postings(conn, [Posting.model_validate(o) for o in OFFERS[:4]], NOW)
    # back to a store without the search columns, offers kept; then up again
    _migrate(store, "0002", down=True)
    _migrate(store, "head")
    with TestClient(create_app(store.url, facet_ttl=0)) as client:
        body = client.get("/offers", params={"q": "développeurs", "salary_min": 50000}).json()
    found = {item["url"].rsplit("/", 1)[-1] for item in body["items"]}
    assert found == {"lyon-python-cdi", "lyon-data-engineer", "grenoble-python-cdi"}
