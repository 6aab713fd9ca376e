"""Offer history: a version per change of content or status, contiguous intervals, seeding."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import delete, func, select

from aggregator.snapshots.history import record_offer_versions
from aggregator.snapshots.tables import offer_memberships, offer_versions
from aggregator.store import migrate
from aggregator.store.database import Store
from aggregator.store.models import OfferRow
from aggregator.store.offers import Link, link_postings, offer_id_for, refresh_offers
from tests.snapshots.helpers import tick
from tests.store.postings_factory import full_posting

T1 = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
T2, T3, T4 = (T1 + timedelta(days=d) for d in (1, 2, 3))
POSTINGS = [full_posting(i, title=f"Poste {i}") for i in range(1, 5)]
OFFER = {i: offer_id_for("partner-fr", f"FR-{i:06d}") for i in range(1, 5)}


def _versions(store: Store, table: Any = offer_versions) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        query = select(table).order_by(table.c.offer_id, table.c.valid_from, table.c.id)
        return [dict(r._mapping) for r in conn.execute(query)]


def _assert_contiguous(rows: list[dict[str, Any]], key: tuple[str, ...]) -> None:
    """Per key: intervals follow each other without gap or overlap, only the last is open."""
    by_key: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_key.setdefault(tuple(row[k] for k in key), []).append(row)
    for chain in by_key.values():
        for before, after in itertools.pairwise(chain):
            assert before["valid_to"] is not None
            assert before["valid_from"] <= before["valid_to"] <= after["valid_from"]
        assert all(r["valid_to"] is not None for r in chain[:-1])


def test_versions_follow_changes_and_not_sightings(store: Store) -> None:
    tick(store, T1, POSTINGS, complete=["partner-fr"])
    first = _versions(store)
    assert [(v["offer_id"], v["valid_from"], v["valid_to"]) for v in first] == sorted(
        (OFFER[i], T1, None) for i in range(1, 5)
    )
    tick(store, T2, POSTINGS, complete=["partner-fr"])  # seen again, unchanged
    assert _versions(store) == first
    assert len(_versions(store, offer_memberships)) == 4

    edited = [{**POSTINGS[0], "title": "Poste 1 (CDI)"}, *POSTINGS[1:3]]  # 4 is gone
    tick(store, T3, edited, complete=["partner-fr"])
    rows = _versions(store)
    one = [(v["title"], v["valid_from"], v["valid_to"]) for v in rows if v["offer_id"] == OFFER[1]]
    assert one == [("Poste 1", T1, T3), ("Poste 1 (CDI)", T3, None)]
    four = [(v["status"], v["closed_at"], v["valid_to"]) for v in rows if v["offer_id"] == OFFER[4]]
    assert four == [("open", None, T3), ("closed", T3, None)]
    assert [v["last_seen_at"] for v in rows if v["offer_id"] == OFFER[4]] == [T1, T2]
    members = [m for m in _versions(store, offer_memberships) if m["offer_id"] == OFFER[4]]
    assert [(m["closed_at"], m["valid_from"], m["valid_to"]) for m in members] == [
        (None, T1, T3),
        (T3, T3, None),
    ]
    _assert_contiguous(rows, ("offer_id",))
    _assert_contiguous(_versions(store, offer_memberships), ("offer_id", "posting_id"))


def test_a_posting_moved_to_another_offer_ends_the_emptied_one(store: Store) -> None:
    tick(store, T1, POSTINGS[:2])
    with store.engine.begin() as conn:
        posting_id = conn.scalar(
            select(func.min(offer_memberships.c.posting_id)).where(
                offer_memberships.c.offer_id == OFFER[2]
            )
        )
        link_postings(conn, {posting_id: Link(OFFER[1], "manual", 1.0)}, T2)
        refresh_offers(conn, [OFFER[1], OFFER[2]], T2)
        record_offer_versions(conn, [OFFER[1], OFFER[2]], T2)
        record_offer_versions(conn, [OFFER[1], OFFER[2]], T2)  # idempotent
    rows = _versions(store)
    assert [(v["valid_from"], v["valid_to"]) for v in rows if v["offer_id"] == OFFER[2]] == [
        (T1, T2)
    ]
    members = _versions(store, offer_memberships)
    moved = [(m["offer_id"], m["rule"], m["valid_from"], m["valid_to"]) for m in members]
    assert (OFFER[2], "founder", T1, T2) in moved
    assert (OFFER[1], "manual", T2, None) in moved
    _assert_contiguous(rows, ("offer_id",))


def test_a_clock_moved_back_never_makes_backward_intervals(store: Store) -> None:
    tick(store, T2, POSTINGS[:1])
    tick(store, T1, [{**POSTINGS[0], "title": "Earlier clock"}])
    rows = _versions(store)
    assert [(v["valid_from"], v["valid_to"]) for v in rows] == [(T2, T2), (T2, None)]


def _downgrade_then_upgrade(store: Store) -> None:
    config = migrate.alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    migrate.upgrade(store.engine)


def test_migration_seeds_history_from_lifecycle_columns(store: Store) -> None:
    tick(store, T1, POSTINGS, complete=["partner-fr"])
    tick(store, T2, POSTINGS[:3], complete=["partner-fr"])  # 4 closes at T2
    _downgrade_then_upgrade(store)
    rows = _versions(store)
    assert [
        (v["status"], v["valid_from"], v["valid_to"]) for v in rows if v["offer_id"] == OFFER[4]
    ] == [
        ("open", T1, T2),
        ("closed", T2, None),
    ]
    assert all(v["content_hash"] is None for v in rows)
    count = len(rows)
    tick(store, T3, POSTINGS[:3], complete=["partner-fr"])
    assert len(_versions(store)) == count  # seeded versions compare equal: nothing appended
    tick(
        store, T4, [{**POSTINGS[0], "company": "Autre SA"}, *POSTINGS[1:3]], complete=["partner-fr"]
    )
    assert len(_versions(store)) == count + 1


def test_history_survives_an_offer_row_rewritten_identically(store: Store) -> None:
    tick(store, T1, POSTINGS[:1])
    with store.engine.begin() as conn:
        refresh_offers(conn, [OFFER[1]], T2)  # updated_at moves, nothing an analyst sees
        record_offer_versions(conn, [OFFER[1]], T2)
        assert conn.scalar(select(func.count()).select_from(offer_versions)) == 1
        conn.execute(delete(OfferRow))
        record_offer_versions(conn, [OFFER[1]], T3)
    assert [(v["valid_from"], v["valid_to"]) for v in _versions(store)] == [(T1, T3)]
