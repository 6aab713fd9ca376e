"""Recording offer history: what each offer (and its provenance) looked like, and since when.

The write path calls :func:`record_offer_versions` after it has changed offer rows (found,
refreshed, closed, deleted), in the same transaction: it compares each offer with its current
version and, when the content or the status differs, ends that version at ``now`` and appends
a new one. ``last_seen_at`` alone does not make a version (every crawl moves it: a version per
sighting would add a row per open offer per crawl); a version keeps the value it had when it
was written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, insert, select, update

from aggregator.snapshots.columns import MEMBER_FIELDS
from aggregator.snapshots.tables import VERSION_FIELDS, offer_memberships, offer_versions
from aggregator.store.models import OfferPosting, OfferRow, PostingRow

_CHUNK = 500
_HASHED = tuple(f for f in VERSION_FIELDS if f != "last_seen_at")
_offers, _links, _postings = OfferRow.__table__, OfferPosting.__table__, PostingRow.__table__


def version_hash(values: Mapping[Any, Any]) -> str:
    """A digest of what an offer says (every field but ``last_seen_at``)."""
    payload = orjson.dumps([values[f] for f in _HASHED])
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def _current_offers(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    query = select(_offers.c.offer_id, *(_offers.c[f] for f in VERSION_FIELDS))
    rows = conn.execute(query.where(_offers.c.offer_id.in_(ids)))
    return {row.offer_id: dict(row._mapping) for row in rows}


def _open_versions(conn: Connection, ids: Sequence[str]) -> tuple[dict[str, Any], list[Any]]:
    """The current version of each offer, and any extra open one (left by a race) to end.

    Rows are selected by offer id alone and "still open" (``valid_to`` null) is tested in
    Python: with both in SQL, SQLite (no statistics) walked the ``valid_to`` index, every
    current version of the store for each 500 offers (0.1 s a chunk at 100,000 postings, ten
    times that at a million); an offer has a few versions, its offer id index reads just those.
    """
    v = offer_versions.c
    query = (
        select(v.id, v.offer_id, v.valid_from, v.content_hash, v.valid_to)
        .where(v.offer_id.in_(ids))
        .order_by(v.offer_id, v.valid_from, v.id)
    )
    current: dict[str, Any] = {}
    extra: list[Any] = []
    for row in conn.execute(query):
        if row.valid_to is not None:
            continue  # ended (see the docstring)
        if row.offer_id in current:
            extra.append(current[row.offer_id])
        current[row.offer_id] = row
    return current, extra


def _seeded_hashes(conn: Connection, version_ids: list[int]) -> dict[int, str]:
    """Hashes of versions seeded by the migration (written without one)."""
    if not version_ids:
        return {}
    query = select(offer_versions.c.id, *(offer_versions.c[f] for f in VERSION_FIELDS))
    rows = conn.execute(query.where(offer_versions.c.id.in_(version_ids)))
    return {row.id: version_hash(row._mapping) for row in rows}


def _end(conn: Connection, table: Any, rows: list[tuple[int, datetime]]) -> None:
    if rows:
        conn.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(valid_to=bindparam("b_to")),
            [{"b_id": row_id, "b_to": until} for row_id, until in rows],
        )


def _record_offers(conn: Connection, ids: Sequence[str], now: datetime) -> None:
    current = _current_offers(conn, ids)
    opened, extra = _open_versions(conn, ids)
    seeded = _seeded_hashes(conn, [r.id for r in opened.values() if r.content_hash is None])
    ended = [(r.id, max(now, r.valid_from)) for r in extra]
    added: list[dict[str, Any]] = []
    for offer_id in ids:
        values, version = current.get(offer_id), opened.get(offer_id)
        start = now if version is None else max(now, version.valid_from)
        digest = None if values is None else version_hash(values)
        if version is not None:
            if digest == (version.content_hash or seeded.get(version.id)):
                continue
            ended.append((version.id, start))
        if values is not None:
            added.append({**values, "valid_from": start, "content_hash": digest})
    _end(conn, offer_versions, ended)
    if added:
        conn.execute(insert(offer_versions), added)


def _current_members(
    conn: Connection, ids: Sequence[str]
) -> dict[tuple[str, int], tuple[Any, ...]]:
    p, link = _postings.c, _links.c
    query = (
        select(
            link.offer_id,
            link.posting_id,
            link.rule,
            link.score,
            *(p[f] for f in MEMBER_FIELDS[:6]),
        )
        .join(_postings, p.id == link.posting_id)
        .where(link.offer_id.in_(ids))
    )
    return {
        (row.offer_id, row.posting_id): tuple(row._mapping[f] for f in MEMBER_FIELDS)
        for row in conn.execute(query)
    }


def _record_members(conn: Connection, ids: Sequence[str], now: datetime) -> None:
    m = offer_memberships.c
    query = select(m.id, m.offer_id, m.posting_id, m.valid_from, *(m[f] for f in MEMBER_FIELDS))
    opened = {
        (row.offer_id, row.posting_id): row
        for row in conn.execute(query.add_columns(m.valid_to).where(m.offer_id.in_(ids)))
        if row.valid_to is None  # in Python, as in :func:`_open_versions`
    }
    current = _current_members(conn, ids)
    ended: list[tuple[int, datetime]] = []
    added: list[dict[str, Any]] = []
    for key in sorted(opened.keys() | current.keys()):
        version, values = opened.get(key), current.get(key)
        start = now if version is None else max(now, version.valid_from)
        if version is not None:
            if values == tuple(version._mapping[f] for f in MEMBER_FIELDS):
                continue
            ended.append((version.id, start))
        if values is not None:
            row = dict(zip(MEMBER_FIELDS, values, strict=True))
            added.append({**row, "offer_id": key[0], "posting_id": key[1], "valid_from": start})
    _end(conn, offer_memberships, ended)
    if added:
        conn.execute(insert(offer_memberships), added)


def record_offer_versions(conn: Connection, offer_ids: Iterable[str], now: datetime) -> None:
    """Bring the history of these offers up to date with their rows (call after changing them).

    An offer whose content or status changed gets a new version from ``now``; an offer that no
    longer exists has its version ended; its links to postings are versioned the same way.
    Calling it again with nothing changed writes nothing. ``now`` earlier than a version's start
    (a clock moved back) is taken as that start, so intervals never run backwards.
    """
    ids = sorted(set(offer_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        _record_offers(conn, chunk, now)
        _record_members(conn, chunk, now)


def sync_history(conn: Connection, now: datetime) -> int:
    """Record every offer (a repair, or for a write path not wired yet); returns offers checked."""
    ids = set(conn.scalars(select(_offers.c.offer_id)))
    ids.update(
        conn.scalars(select(offer_versions.c.offer_id).where(offer_versions.c.valid_to.is_(None)))
    )
    record_offer_versions(conn, ids, now)
    return len(ids)
