"""Upserting normalized postings on their natural key, with a content hash.

Writes are idempotent (the same posting twice only moves ``last_seen_at``) and each batch
runs inside the caller's transaction, so a failure leaves the store as it was before it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, insert, select, tuple_, update

from aggregator.schema import POSTING_FIELDS, Posting
from aggregator.store.models import PostingRow, Source, table_of

CONTENT_FIELDS: tuple[str, ...] = tuple(
    f for f in POSTING_FIELDS if f not in ("source", "source_offer_id")
)
_KEY_CHUNK = 500


def content_hash(record: dict[str, Any]) -> str:
    """A short digest of a posting's content: what tells an edited posting from an unchanged one."""
    payload = orjson.dumps([record.get(f) for f in CONTENT_FIELDS])
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def posting_values(posting: Posting) -> dict[str, Any]:
    """Column values for a posting (enums as their string values, datetimes kept aware)."""
    values = posting.model_dump(mode="python")
    for name in ("remote", "contract_type", "working_time", "salary_period"):
        if values[name] is not None:
            values[name] = values[name].value
    return values


@dataclass(slots=True)
class UpsertResult:
    """What a batch did, by posting id, so later stages touch only what changed."""

    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged_ids: list[int] = field(default_factory=list)
    reopened_ids: list[int] = field(default_factory=list)
    closed_ids: list[int] = field(default_factory=list)  # seen again, but past valid_through
    new_rows: dict[int, dict[str, Any]] = field(default_factory=dict)  # this batch only
    by_source: dict[str, Counter[str]] = field(default_factory=dict)  # new/updated/unchanged

    @property
    def touched_ids(self) -> list[int]:
        return self.new_ids + self.updated_ids + self.unchanged_ids

    def add(self, other: UpsertResult) -> None:
        self.new_ids += other.new_ids
        self.updated_ids += other.updated_ids
        self.unchanged_ids += other.unchanged_ids
        self.reopened_ids += other.reopened_ids
        self.closed_ids += other.closed_ids
        for source, counts in other.by_source.items():
            self.by_source.setdefault(source, Counter()).update(counts)

    def count(self, source: str, outcome: str) -> None:
        self.by_source.setdefault(source, Counter())[outcome] += 1


def ensure_sources(conn: Connection, keys: set[str], now: datetime) -> list[str]:
    """Register source keys the store does not know yet as external sources; return them."""
    if not keys:
        return []
    known = set(conn.scalars(select(Source.key).where(Source.key.in_(sorted(keys)))))
    missing = sorted(keys - known)
    if missing:
        conn.execute(
            insert(Source),
            [
                {
                    "key": k,
                    "name": k,
                    "kind": None,
                    "priority": 0,
                    "external": True,
                    "enabled": True,
                    "created_at": now,
                }
                for k in missing
            ],
        )
    return missing


def _existing(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    table = table_of(PostingRow)
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        rows = conn.execute(
            select(
                table.c.id,
                table.c.source,
                table.c.source_offer_id,
                table.c.content_hash,
                table.c.closed_at,
            ).where(tuple_(table.c.source, table.c.source_offer_id).in_(chunk))
        )
        for row in rows:
            found[(row.source, row.source_offer_id)] = row
    return found


def upsert_postings(
    conn: Connection,
    postings: Sequence[Posting],
    now: datetime,
    *,
    raw_payload_ids: Sequence[int | None] | None = None,
    listing_markers: Sequence[str | None] | None = None,
) -> UpsertResult:
    """Insert new postings, update changed ones, touch ``last_seen_at`` of unchanged ones.

    A closed posting that is seen again is reopened, unless its ``valid_through`` has passed
    (such a posting is stored closed). Within one batch the last copy of a key wins.
    """
    table = table_of(PostingRow)
    latest: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    for index, posting in enumerate(postings):
        extra = {
            "raw_payload_id": raw_payload_ids[index] if raw_payload_ids else None,
            "listing_marker": listing_markers[index] if listing_markers else None,
        }
        latest[(posting.source, posting.source_offer_id)] = (posting_values(posting), extra)
    ensure_sources(conn, {key[0] for key in latest}, now)
    existing = _existing(conn, list(latest))
    result = UpsertResult()
    inserts: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    touches: list[dict[str, Any]] = []
    for key, (values, extra) in latest.items():
        digest = content_hash(values)
        row = existing.get(key)
        expired = values["valid_through"] is not None and values["valid_through"] < now
        if row is None:
            inserts.append(
                {
                    **values,
                    "content_hash": digest,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "changed_at": now,
                    "closed_at": now if expired else None,
                    **extra,
                }
            )
            result.count(key[0], "new")
            continue
        closed_at = (row.closed_at or now) if expired else None
        if row.closed_at is not None and closed_at is None:
            result.reopened_ids.append(row.id)
        if row.closed_at is None and closed_at is not None:
            result.closed_ids.append(row.id)
        if row.content_hash != digest:
            changes.append(
                {
                    **{f: values[f] for f in CONTENT_FIELDS},
                    "b_id": row.id,
                    "content_hash": digest,
                    "changed_at": now,
                    "last_seen_at": now,
                    "closed_at": closed_at,
                    **extra,
                }
            )
            result.updated_ids.append(row.id)
            result.count(key[0], "updated")
        else:
            touch = {"b_id": row.id, "last_seen_at": now, "closed_at": closed_at}
            if extra["listing_marker"] is not None:
                touch["listing_marker"] = extra["listing_marker"]
            touches.append(touch)
            result.unchanged_ids.append(row.id)
            result.count(key[0], "unchanged")
    if inserts:
        returning = insert(table).returning(table.c.id, table.c.source, table.c.source_offer_id)
        ids = {(r.source, r.source_offer_id): r.id for r in conn.execute(returning, inserts)}
        for values in inserts:
            row_id = ids[(values["source"], values["source_offer_id"])]
            result.new_ids.append(row_id)
            result.new_rows[row_id] = {**values, "id": row_id}
    by_id = update(table).where(table.c.id == bindparam("b_id"))
    if changes:
        conn.execute(by_id, changes)
    for same_keys in (
        [t for t in touches if "listing_marker" in t],
        [t for t in touches if "listing_marker" not in t],
    ):
        if same_keys:
            conn.execute(by_id, same_keys)
    return result
