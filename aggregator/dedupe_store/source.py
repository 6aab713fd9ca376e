"""A :class:`dedupe.cluster.CandidateSource` over SQL tables, inside the caller's transaction.

Structure (cluster of each posting, representatives, join order, block keys) lives in the
``dedupe_*`` tables; the records themselves are rebuilt from ``postings`` rows when needed, so
a posting closed or reopened by expiry is seen as such without any bookkeeping. Keys of
representatives are cached (in their member row, and in a process-wide LRU keyed by content
hash), because computing them costs more than the rest of a comparison.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update

from aggregator.dedupe_store.codec import (
    block_hash,
    decode_keys,
    encode_keys,
    pack_blocks,
    unpack_blocks,
)
from aggregator.dedupe_store.index import SET_STATE, SqlBlockIndex
from aggregator.dedupe_store.rows import (
    RECORD_COLUMNS,
    posting_rows,
    postings,
    split_key,
    to_record,
)
from aggregator.dedupe_store.tables import dedupe_clusters, dedupe_members, dedupe_state
from dedupe.cluster import ClusterView, Representative
from dedupe.keys import Keys, compute_keys

_LOCK_KEY = 7_301_006  # PostgreSQL advisory lock serializing dedupe writers
members = dedupe_members.c
_VIEW_MEMBERS = (
    select(
        members.posting_id,
        members.cluster_id,
        members.rep_seq,
        members.content_hash.label("keys_hash"),
        postings.c.content_hash,
        postings.c.closed_at,
    )
    .join(postings, postings.c.id == members.posting_id)
    .where(members.cluster_id.in_(bindparam("clusters", expanding=True)))
)
_CACHED_KEYS = select(members.posting_id, members.cached_keys).where(
    members.posting_id.in_(bindparam("ids", expanding=True))
)
_ADD_MEMBER = insert(dedupe_members)
_MEMBER = select(members.cluster_id, members.rep_seq, members.blocks).where(
    members.posting_id == bindparam("b_id")
)
_SAVE_REP = (
    update(dedupe_members)
    .where(members.posting_id == bindparam("b_id"))
    .values(
        rep_seq=bindparam("rep_seq"),
        cached_keys=bindparam("cached_keys"),
        content_hash=bindparam("content_hash"),
        blocks=bindparam("blocks"),
    )
)


class KeysCache:
    """Representatives by (posting id, content hash), least recently used dropped first.

    Shared by the sources a long-lived matcher makes; the close date is not part of the
    content hash, so callers put the live one back (:meth:`get`).
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str], Representative] = OrderedDict()

    def get(
        self, posting_id: int, content_hash: str, closed_at: datetime | None
    ) -> Representative | None:
        found = self._items.get((posting_id, content_hash))
        if found is None:
            return None
        self._items.move_to_end((posting_id, content_hash))
        if found.record.closed_at != closed_at:
            found = Representative(replace(found.record, closed_at=closed_at), found.keys)
            self._items[(posting_id, content_hash)] = found
        return found

    def put(self, posting_id: int, content_hash: str, rep: Representative) -> None:
        self._items[(posting_id, content_hash)] = rep
        self._items.move_to_end((posting_id, content_hash))
        if len(self._items) > self.size:
            self._items.popitem(last=False)


class SqlCandidateSource:
    """Clusters and block keys in the ``dedupe_*`` tables (SQLite or PostgreSQL).

    Create one per transaction; call :meth:`flush` before committing (it saves the clock).
    Records handed to the engine must be registered first (:meth:`register`) so their keys
    map to posting ids without a lookup.
    """

    def __init__(
        self, conn: Connection, *, block_cap: int = 200, cache: KeysCache | None = None
    ) -> None:
        self.conn = conn
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        self.index = SqlBlockIndex(conn, block_cap)
        self.cache = cache if cache is not None else KeysCache()
        self._ids: dict[str, tuple[int, str]] = {}  # record key -> (posting id, content hash)
        self._where: dict[str, str | None] = {}  # known memberships of registered records
        self._keys: dict[str, Keys] = {}  # keys of records seen in this transaction
        stored = conn.scalar(select(dedupe_state.c.value).where(dedupe_state.c.name == "clock"))
        self.clock = int(stored) if stored is not None else 0
        self._saved_clock = self.clock if stored is not None else None

    def register(self, rows: Iterable[Any]) -> None:
        """Remember posting ids, content hashes and current clusters of these posting rows."""
        fresh: dict[int, str] = {}
        for row in rows:
            key = f"{row['source']}:{row['source_offer_id']}"
            self._ids[key] = (row["id"], row["content_hash"])
            fresh[row["id"]] = key
        ids = list(fresh)
        for key in fresh.values():
            self._where.setdefault(key, None)
        for start in range(0, len(ids), 500):
            query = select(members.posting_id, members.cluster_id).where(
                members.posting_id.in_(ids[start : start + 500])
            )
            for posting_id, cluster_id in self.conn.execute(query):
                self._where[fresh[posting_id]] = cluster_id

    def flush(self) -> None:
        """Save the clock (call once, before the transaction commits)."""
        if self._saved_clock == self.clock:
            return
        self.conn.execute(SET_STATE, {"name": "clock", "value": str(self.clock)})
        self._saved_clock = self.clock

    def _tick(self) -> int:
        self.clock += 1
        return self.clock

    def _posting(self, key: str) -> tuple[int, str]:
        found = self._ids.get(key)
        if found is None:
            source, offer_id = split_key(key)
            row = self.conn.execute(
                select(postings.c.id, postings.c.content_hash).where(
                    postings.c.source == source, postings.c.source_offer_id == offer_id
                )
            ).first()
            if row is None:
                raise KeyError(f"no posting {key}")
            found = self._ids[key] = (row.id, row.content_hash)
        return found

    # -- the CandidateSource protocol -------------------------------------------------------

    def candidate_clusters(self, blocks: Sequence[str], limit: int) -> list[str]:
        """Ids of the clusters sharing the most blocks, best first."""
        return self.index.candidates(blocks, limit)

    def views(self, cluster_ids: Sequence[str]) -> list[ClusterView]:
        """Representatives (records from ``postings``, cached keys) and close date per cluster."""
        if not cluster_ids:
            return []
        closed: dict[str, list[datetime | None]] = {}
        reps: dict[str, list[tuple[int, int]]] = {}
        found: dict[int, Representative] = {}
        missing: dict[int, str | None] = {}
        for row in self.conn.execute(_VIEW_MEMBERS, {"clusters": list(cluster_ids)}):
            closed.setdefault(row.cluster_id, []).append(row.closed_at)
            if row.rep_seq is None:
                continue
            reps.setdefault(row.cluster_id, []).append((row.rep_seq, row.posting_id))
            rep = self.cache.get(row.posting_id, row.content_hash, row.closed_at)
            if rep is not None:
                found[row.posting_id] = rep
            else:
                missing[row.posting_id] = row.keys_hash
        if missing:
            found.update(self._load(missing))
        out = []
        for cluster_id in cluster_ids:
            if cluster_id not in closed:
                continue  # emptied since its blocks were read
            representatives = tuple(found[pid] for _, pid in sorted(reps.get(cluster_id, [])))
            out.append(
                ClusterView(
                    cluster_id=cluster_id,
                    representatives=representatives,
                    closed_at=_closed_at(closed[cluster_id]),
                    sources=frozenset(r.record.source for r in representatives),
                )
            )
        return out

    def _load(self, wanted: dict[int, str | None]) -> dict[int, Representative]:
        """Representatives not in the process cache: rows, then stored or computed keys."""
        ids = list(wanted)
        stored = {pid: keys for pid, keys in self.conn.execute(_CACHED_KEYS, {"ids": ids})}
        return {
            row["id"]: self._representative(
                row, stored.get(row["id"]) if wanted[row["id"]] == row["content_hash"] else None
            )
            for row in posting_rows(self.conn, ids)
        }

    def cluster_of(self, record_key: str) -> str | None:
        """Cluster holding a record (registered records are answered from memory)."""
        if record_key in self._where:
            return self._where[record_key]
        posting_id, _ = self._posting(record_key)
        found = self.conn.scalar(select(members.cluster_id).where(members.posting_id == posting_id))
        self._where[record_key] = found
        return found

    def add_member(
        self, cluster_id: str, member: Representative, blocks: Sequence[str] | None
    ) -> None:
        """Add a record to a cluster; with blocks it becomes a representative."""
        key = member.record.key
        posting_id, content_hash = self._posting(key)
        self._keys[key] = member.keys
        values: dict[str, Any] = {
            "posting_id": posting_id,
            "cluster_id": cluster_id,
            "seq": self._tick(),
            "rule": "new",
        }
        if blocks is not None:
            hashes = list(dict.fromkeys(block_hash(b) for b in blocks))
            values.update(self._rep_values(content_hash, member.keys, hashes))
            self.conn.execute(_ADD_MEMBER, values)
            self.index.add(cluster_id, hashes, values["rep_seq"])
            self.cache.put(posting_id, content_hash, member)
        else:
            self.conn.execute(_ADD_MEMBER, values)
        self._where[key] = cluster_id

    def update_member(self, member: Representative, blocks: Sequence[str] | None) -> None:
        """A known record changed: a representative's keys and blocks are replaced."""
        key = member.record.key
        posting_id, content_hash = self._posting(key)
        self._keys[key] = member.keys
        row = self.conn.execute(_MEMBER, {"b_id": posting_id}).first()
        if row is None or row.rep_seq is None or blocks is None:
            return
        hashes = list(dict.fromkeys(block_hash(b) for b in blocks))
        self.index.remove(row.cluster_id, unpack_blocks(row.blocks))
        self.index.add(row.cluster_id, hashes, self._tick())
        values = self._rep_values(content_hash, member.keys, hashes)
        values["rep_seq"] = row.rep_seq  # keeps its rank among the representatives
        self.conn.execute(_SAVE_REP, {"b_id": posting_id, **values})
        self.cache.put(posting_id, content_hash, member)

    def remove_member(self, record_key: str) -> tuple[str, bool] | None:
        """Drop a record and its blocks."""
        posting_id, _ = self._posting(record_key)
        row = self.conn.execute(_MEMBER, {"b_id": posting_id}).first()
        self._where[record_key] = None
        if row is None:
            return None
        self.conn.execute(delete(dedupe_members).where(members.posting_id == posting_id))
        was_rep = row.rep_seq is not None
        if was_rep:
            self.index.remove(row.cluster_id, unpack_blocks(row.blocks))
        left = self.conn.scalar(
            select(members.posting_id).where(members.cluster_id == row.cluster_id).limit(1)
        )
        if left is None:
            self.conn.execute(
                delete(dedupe_clusters).where(dedupe_clusters.c.cluster_id == row.cluster_id)
            )
        return row.cluster_id, was_rep

    def promotable(self, cluster_id: str) -> Representative | None:
        """Earliest-joined member that is not a representative."""
        posting_id = self.conn.scalar(
            select(members.posting_id)
            .where(members.cluster_id == cluster_id, members.rep_seq.is_(None))
            .order_by(members.seq)
            .limit(1)
        )
        if posting_id is None:
            return None
        (row,) = posting_rows(self.conn, [posting_id])
        return self._representative(row, None)

    def promote(self, cluster_id: str, record_key: str, blocks: Sequence[str]) -> None:
        """Make a member a representative: register its blocks, cache its keys."""
        posting_id, content_hash = self._posting(record_key)
        keys = self._keys.get(record_key)
        if keys is None:
            (row,) = posting_rows(self.conn, [posting_id])
            keys = self._representative(row, None).keys
        hashes = list(dict.fromkeys(block_hash(b) for b in blocks))
        values = self._rep_values(content_hash, keys, hashes)
        self.conn.execute(_SAVE_REP, {"b_id": posting_id, **values})
        self.index.add(cluster_id, hashes, values["rep_seq"])

    def clusters(self) -> dict[str, list[str]]:
        """Every cluster with its record keys in join order."""
        query = (
            select(members.cluster_id, postings.c.source, postings.c.source_offer_id)
            .join(postings, postings.c.id == members.posting_id)
            .order_by(members.cluster_id, members.seq)
        )
        out: dict[str, list[str]] = {}
        for cluster_id, source, offer_id in self.conn.execute(query):
            out.setdefault(cluster_id, []).append(f"{source}:{offer_id}")
        return out

    # -- helpers ----------------------------------------------------------------------------

    def _rep_values(self, content_hash: str, keys: Keys, hashes: list[int]) -> dict[str, Any]:
        """Member columns of a new representative (its rank, cached keys and blocks)."""
        return {
            "rep_seq": self._tick(),
            "cached_keys": encode_keys(keys),
            "content_hash": content_hash,
            "blocks": pack_blocks(hashes),
        }

    def _representative(self, row: Any, cached: str | None) -> Representative:
        """A posting row as a representative, keys from the stored cache or computed."""
        record = to_record(row)
        posting_id, content_hash = row["id"], row["content_hash"]
        self._ids.setdefault(record.key, (posting_id, content_hash))
        keys = decode_keys(cached)
        if keys is None:
            keys = compute_keys(record)
        rep = Representative(record, keys)
        self.cache.put(posting_id, content_hash, rep)
        return rep


def _closed_at(stamps: Iterable[datetime | None]) -> datetime | None:
    """None while any member is open, else the latest close."""
    latest: datetime | None = None
    for stamp in stamps:
        if stamp is None:
            return None
        latest = stamp if latest is None or stamp > latest else latest
    return latest


__all__ = ["RECORD_COLUMNS", "KeysCache", "SqlCandidateSource"]
