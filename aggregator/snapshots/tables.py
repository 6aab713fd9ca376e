"""The history tables: every version of every offer, and of its membership (provenance).

Both are append-only logs of intervals ``[valid_from, valid_to)``: a row is written when an offer
(or one of its links to a posting) starts to look different, and the previous row of the same
key gets its ``valid_to``; nothing else is ever updated or deleted. The row valid at ``T`` is the
one with ``valid_from <= T < valid_to`` (``valid_to`` null: still current). Core tables on their
own metadata, like the operations tables: only this package reads or writes them, and
migration ``0005`` creates them.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table

from aggregator.snapshots.columns import OFFER_COLUMNS
from aggregator.store.models import NAMING_CONVENTION, OfferRow
from aggregator.store.types import UtcDateTime

metadata = MetaData(naming_convention=NAMING_CONVENTION)

_offers = OfferRow.__table__
VERSION_FIELDS: tuple[str, ...] = tuple(c for c in OFFER_COLUMNS if c != "offer_id")
"""What an offer version holds: every exported offer column but the key."""

offer_versions = Table(
    "offer_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("offer_id", String(40), nullable=False),
    Column("valid_from", UtcDateTime(), nullable=False),
    Column("valid_to", UtcDateTime()),
    Column("content_hash", String(32)),  # null on rows seeded by the migration
    *(
        Column(name, _offers.c[name].type, nullable=_offers.c[name].nullable)
        for name in VERSION_FIELDS
    ),
    Index("ix_offer_versions_offer_id_valid_from", "offer_id", "valid_from"),
    Index("ix_offer_versions_valid_to", "valid_to"),
)

offer_memberships = Table(
    "offer_memberships",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("offer_id", String(40), nullable=False),
    Column("posting_id", Integer, nullable=False),
    Column("valid_from", UtcDateTime(), nullable=False),
    Column("valid_to", UtcDateTime()),
    Column("source", String(64), nullable=False),
    Column("source_offer_id", String(512), nullable=False),
    Column("url", _offers.c.url.type, nullable=False),
    Column("posted_at", UtcDateTime()),
    Column("first_seen_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime()),
    Column("rule", String(64), nullable=False),
    Column("score", Float),
    Index("ix_offer_memberships_offer_id_valid_from", "offer_id", "valid_from"),
    Index("ix_offer_memberships_valid_to", "valid_to"),
)
