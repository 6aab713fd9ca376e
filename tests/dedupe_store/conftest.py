"""Fixtures: a small sandbox market as the pipeline stores it, and helpers over the store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, select

from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.dedupe_store.source import SqlCandidateSource
from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import OfferPosting, PostingRow
from dedupe.market_data import normalized_market

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def market() -> tuple[list[Posting], dict[str, str]]:
    """The sandbox market (seed 1, small scale, tick 0): postings and truth (key -> vacancy)."""
    return normalized_market(1, 0.05, 0)


def store_in_batches(
    store: Store, postings: Sequence[Posting], matcher: DedupeMatcher, size: int = 250
) -> None:
    """Store postings through the real write path, one transaction per batch."""
    for start in range(0, len(postings), size):
        with store.engine.begin() as conn:
            store_postings(conn, postings[start : start + size], NOW, matcher=matcher)


def clusters(conn: Connection) -> dict[str, list[str]]:
    """Dedupe clusters held by the store (cluster id -> posting keys in join order)."""
    return SqlCandidateSource(conn).clusters()


def offer_partition(conn: Connection) -> dict[str, set[str]]:
    """Offer id -> posting keys, from the provenance table."""
    p, link = PostingRow.__table__, OfferPosting.__table__
    out: dict[str, set[str]] = {}
    query = select(link.c.offer_id, p.c.source, p.c.source_offer_id).join(
        p, p.c.id == link.c.posting_id
    )
    for offer_id, source, offer in conn.execute(query):
        out.setdefault(offer_id, set()).add(f"{source}:{offer}")
    return out


def partition(groups: dict[str, list[str]] | dict[str, set[str]]) -> set[frozenset[str]]:
    """Groups without their ids."""
    return {frozenset(keys) for keys in groups.values()}
