"""The columns of a snapshot's files, by name (no Arrow here: the write path imports this).

Offers carry the schema's fields of a consolidated offer (without the nested ``postings``);
postings carry the provenance: which source posting stands behind which offer, and how it was
linked. Their types are in :mod:`aggregator.snapshots.arrow`.
"""

from __future__ import annotations

from aggregator.schema import OFFER_FIELDS

OFFER_COLUMNS: tuple[str, ...] = tuple(f for f in OFFER_FIELDS if f != "postings")
REF_FIELDS: tuple[str, ...] = ("source", "source_offer_id", "url", "posted_at")
"""A posting as nested in a single-file export (the schema's ``PostingRef``)."""

MEMBER_FIELDS: tuple[str, ...] = (
    *REF_FIELDS,
    "first_seen_at",
    "closed_at",
    "rule",
    "score",
)
POSTING_COLUMNS: tuple[str, ...] = ("offer_id", *MEMBER_FIELDS)

FLOATS = frozenset({"latitude", "longitude", "salary_min", "salary_max", "score"})
TIMESTAMPS = frozenset({"posted_at", "valid_through", "first_seen_at", "last_seen_at", "closed_at"})
REQUIRED = frozenset(
    {"offer_id", "source", "source_offer_id", "url", "title", "status", "first_seen_at"}
    | {"last_seen_at", "rule"}
)
