"""Idempotent, atomic writes: the natural key, the content hash, and rollback on failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from aggregator.pipeline import store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import OfferPosting, OfferRow, PostingRow
from tests.store.postings_factory import full_posting

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def postings(*indexes: int, **overrides: object) -> list[Posting]:
    return [Posting.model_validate(full_posting(i, **overrides)) for i in indexes]


def rows(store: Store) -> dict[str, dict[str, object]]:
    with store.engine.connect() as conn:
        return {
            r.source_offer_id: dict(r._mapping) for r in conn.execute(select(PostingRow.__table__))
        }


def test_same_posting_twice_changes_only_last_seen(store: Store) -> None:
    with store.engine.begin() as conn:
        first = store_postings(conn, postings(1, 2), T0)
    before = rows(store)
    later = T0 + timedelta(hours=6)
    with store.engine.begin() as conn:
        second = store_postings(conn, postings(1, 2), later)
    after = rows(store)
    assert len(first.new_ids) == 2 and not second.new_ids and not second.updated_ids
    assert sorted(second.unchanged_ids) == sorted(first.new_ids)
    for key, row in after.items():
        assert row["last_seen_at"] == later
        assert {k: v for k, v in row.items() if k != "last_seen_at"} == {
            k: v for k, v in before[key].items() if k != "last_seen_at"
        }
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.max(OfferRow.last_seen_at))) == later
        assert conn.scalar(select(func.count()).select_from(OfferRow)) == 2


def test_changed_content_updates_posting_and_offer(store: Store) -> None:
    with store.engine.begin() as conn:
        store_postings(conn, postings(1), T0)
    edited = postings(1, salary_min=50000.0, salary_max=60000.0)
    with store.engine.begin() as conn:
        result = store_postings(conn, edited, T0 + timedelta(days=1))
    assert len(result.updated_ids) == 1
    row = rows(store)["FR-000001"]
    assert row["salary_min"] == 50000.0
    assert row["changed_at"] == T0 + timedelta(days=1)
    assert row["first_seen_at"] == T0
    with store.engine.connect() as conn:
        offer_salary = conn.scalar(select(OfferRow.salary_min))
    assert offer_salary == 50000.0


def test_failed_batch_leaves_store_as_before(store: Store) -> None:
    with store.engine.begin() as conn:
        store_postings(conn, postings(1, 2), T0)
    before = rows(store)
    with pytest.raises(RuntimeError), store.engine.begin() as conn:
        store_postings(conn, postings(1, 3, title="Edited title"), T0 + timedelta(days=1))
        raise RuntimeError("crash in the middle of the batch")
    assert rows(store) == before
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(OfferPosting)) == 2


def test_last_copy_of_a_key_in_one_batch_wins(store: Store) -> None:
    batch = postings(1) + postings(1, title="Second wording")
    with store.engine.begin() as conn:
        result = store_postings(conn, batch, T0)
    assert len(result.new_ids) == 1
    assert rows(store)["FR-000001"]["title"] == "Second wording"


def test_offer_closes_when_its_posting_is_seen_past_valid_through(store: Store) -> None:
    expiring = postings(1, valid_through="2026-11-03T00:00:00Z")
    with store.engine.begin() as conn:
        store_postings(conn, expiring, T0)
    later = T0 + timedelta(days=5)  # same content, seen again after its valid_through
    with store.engine.begin() as conn:
        result = store_postings(conn, expiring, later)
    assert result.closed_ids and not result.updated_ids
    assert rows(store)["FR-000001"]["closed_at"] == later
    with store.engine.connect() as conn:
        assert conn.scalar(select(OfferRow.status)) == "closed"


def test_keys_are_matched_exactly_across_sources_and_odd_ids(store: Store) -> None:
    """The batch key lookup: quotes, brackets and accents in ids, the same id on two boards."""
    odd_ids = ["a'b", 'q"uote', "[1, 2]", "Été-2026", "x" * 300, "1"]
    keys = [(source, offer_id) for source in ("board-a", "board-b") for offer_id in odd_ids]
    first = [
        Posting.model_validate(full_posting(i, source=source, source_offer_id=offer_id))
        for i, (source, offer_id) in enumerate(keys, start=1)
    ]
    with store.engine.begin() as conn:
        stored = store_postings(conn, first, T0)
    assert len(set(stored.new_ids)) == len(keys)
    edited = [first[0].model_copy(update={"title": "Autre titre"}), *first[1:], *postings(99)]
    with store.engine.begin() as conn:
        again = store_postings(conn, edited, T0 + timedelta(hours=1))
    assert again.updated_ids == [stored.new_ids[0]]
    assert sorted(again.unchanged_ids) == sorted(stored.new_ids[1:])
    assert len(again.new_ids) == 1
    with store.engine.connect() as conn:
        stored_keys = {
            (r.source, r.source_offer_id): r.id
            for r in conn.execute(
                select(PostingRow.source, PostingRow.source_offer_id, PostingRow.id)
            )
        }
    assert {k: stored_keys[k] for k in keys} == dict(zip(keys, stored.new_ids, strict=True))
    assert len(stored_keys) == len(keys) + 1


def test_new_ids_are_right_after_a_gap_in_the_id_sequence(store: Store) -> None:
    """A rolled-back insert leaves a gap on PostgreSQL: ids are then read back by key."""
    with store.engine.begin() as conn:
        store_postings(conn, postings(1, 2), T0)
    with store.engine.connect() as conn:
        transaction = conn.begin()
        store_postings(conn, postings(3, 4), T0)
        transaction.rollback()
    batch = postings(5, 6, 7)
    with store.engine.begin() as conn:
        stored = store_postings(conn, batch, T0)
    with store.engine.connect() as conn:
        by_key = {
            r.source_offer_id: r.id
            for r in conn.execute(select(PostingRow.source_offer_id, PostingRow.id))
        }
    assert stored.new_ids == [by_key[p.source_offer_id] for p in batch]
    assert sorted(stored.new_rows) == sorted(stored.new_ids)
    assert all(stored.new_rows[i]["id"] == i for i in stored.new_ids)
