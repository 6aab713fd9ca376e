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
from enum import StrEnum
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, func, insert, select, text, update

from aggregator.schema import (
    POSTING_FIELDS,
    ContractType,
    Posting,
    Remote,
    SalaryPeriod,
    WorkingTime,
)
from aggregator.store.models import PostingRow, Source, table_of

CONTENT_FIELDS: tuple[str, ...] = tuple(
    f for f in POSTING_FIELDS if f not in ("source", "source_offer_id")
)


_content_of = itemgetter(*CONTENT_FIELDS)
_ENUM_FIELDS = ("remote", "contract_type", "working_time", "salary_period")
_PLAIN: dict[StrEnum, str] = {
    member: member.value
    for enum in (Remote, ContractType, WorkingTime, SalaryPeriod)
    for member in enum
}


def content_hash(record: dict[str, Any]) -> str:
    """A short digest of a posting's content: what tells an edited posting from an unchanged one."""
    payload = orjson.dumps(_content_of(record))
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def posting_values(posting: Posting) -> dict[str, Any]:
    """Column values for a posting (enums as their string values, datetimes kept aware)."""
    values = dict(vars(posting))  # the schema is flat: a copy of the fields, no model_dump walk
    for name in _ENUM_FIELDS:
        member = values[name]
        if member is not None:
            values[name] = _PLAIN[member]
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


_LOOKUP = {
    # The batch's keys travel as one parameter and are joined on the unique (source,
    # source_offer_id) index. A row-value ``IN`` list is not served by SQLite's index (it
    # scans the table once per chunk) and makes psycopg re-parse a statement of thousands
    # of placeholders.
    "sqlite": (
        "SELECT p.id, p.source, p.source_offer_id, p.content_hash, p.closed_at"
        " FROM json_each(:keys) AS k JOIN postings AS p"
        " ON p.source = k.value ->> 0 AND p.source_offer_id = k.value ->> 1"
    ),
    "postgresql": (
        "SELECT p.id, p.source, p.source_offer_id, p.content_hash, p.closed_at"
        " FROM unnest(CAST(:sources AS text[]), CAST(:ids AS text[])) AS k(source, offer_id)"
        " JOIN postings AS p ON p.source = k.source AND p.source_offer_id = k.offer_id"
    ),
}


def _existing(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The stored rows (id, hash, closed_at) of these natural keys, by key."""
    if not keys:
        return {}
    dialect = conn.dialect.name
    if dialect == "postgresql":
        params: dict[str, Any] = {"sources": [k[0] for k in keys], "ids": [k[1] for k in keys]}
    else:
        params = {"keys": orjson.dumps(keys).decode()}
    table = table_of(PostingRow)
    typed = text(_LOOKUP[dialect]).columns(
        table.c.id, table.c.source, table.c.source_offer_id, table.c.content_hash, table.c.closed_at
    )
    rows = conn.execute(typed, params)
    found: dict[tuple[str, str], Any] = {}
    for row in rows:
        found[(row.source, row.source_offer_id)] = row
    return found


def _insert_rows(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows with one plain executemany; their ids, in order.

    RETURNING would make SQLAlchemy render one giant multi-row statement per page, which
    psycopg re-parses every time (it was most of PostgreSQL's upsert cost). Ids are handed out
    in insert order after every id visible before: when the largest id afterwards is exactly
    the previous largest plus the number of rows, ours are that range. Otherwise (another
    writer, a sequence gap) they are read back by key.
    """
    table = table_of(PostingRow)
    largest = select(func.coalesce(func.max(table.c.id), 0))
    floor = conn.scalar(largest) or 0
    conn.execute(insert(table), rows)
    if conn.scalar(largest) == floor + len(rows):
        return list(range(floor + 1, floor + len(rows) + 1))
    since = select(table.c.source, table.c.source_offer_id, table.c.id).where(table.c.id > floor)
    ids = {(source, offer_id): row_id for source, offer_id, row_id in conn.execute(since)}
    return [ids[(row["source"], row["source_offer_id"])] for row in rows]


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
    latest: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
    for index, posting in enumerate(postings):
        latest[(posting.source, posting.source_offer_id)] = (posting_values(posting), index)
    ensure_sources(conn, {key[0] for key in latest}, now)
    existing = _existing(conn, list(latest))
    result = UpsertResult()
    inserts: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    touches: list[dict[str, Any]] = []
    no_extra: dict[str, Any] = {"raw_payload_id": None, "listing_marker": None}  # files: neither
    for key, (values, index) in latest.items():
        extra = no_extra
        if raw_payload_ids or listing_markers:
            extra = {
                "raw_payload_id": raw_payload_ids[index] if raw_payload_ids else None,
                "listing_marker": listing_markers[index] if listing_markers else None,
            }
        digest = content_hash(values)
        row = existing.get(key)
        expired = values["valid_through"] is not None and values["valid_through"] < now
        if row is None:
            values.update(
                content_hash=digest,
                first_seen_at=now,
                last_seen_at=now,
                changed_at=now,
                closed_at=now if expired else None,
            )
            values.update(extra)
            inserts.append(values)
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
        # A plain executemany (the driver's own batching, prepared once) and then one lookup
        # of the new ids: RETURNING would make SQLAlchemy render one giant multi-row statement
        # per page, which psycopg re-parses every time (most of PostgreSQL's upsert cost).
        for values, row_id in zip(inserts, _insert_rows(conn, inserts), strict=True):
            result.new_ids.append(row_id)
            values["id"] = row_id  # inserted already: the row dict becomes the batch's copy
            result.new_rows[row_id] = values
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
