"""A :class:`dedupe.cluster.CandidateSource` over SQL tables, inside the caller's transaction.

Structure (cluster of each posting, representatives, join order, block keys) lives in the
``dedupe_*`` tables; the records themselves are rebuilt from ``postings`` rows when needed, so
a posting closed or reopened by expiry is seen as such without any bookkeeping. Keys of
representatives are cached (in their member row, and in a process-wide LRU keyed by content
hash), because computing them costs more than the rest of a comparison.

One source serves one batch as a working set: what the batch will read (block rows, cluster
states, representatives) is loaded in a few bulk queries (:meth:`SqlCandidateSource.prefetch`),
the engine's changes stay in memory, and :meth:`SqlCandidateSource.flush` writes them with one
executemany per table. Rare operations (a changed or removed member) write at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update

from aggregator.dedupe_store.codec import decode_keys, encode_keys, pack_blocks, unpack_blocks
from aggregator.dedupe_store.expiry import StoreExpiry
from aggregator.dedupe_store.index import SET_STATE, WRITER, KeptBlocks, SqlBlockIndex
from aggregator.dedupe_store.keycache import KeysCache
from aggregator.dedupe_store.rawsql import driver_value_reader, fetch_in
from aggregator.dedupe_store.rows import (
    RECORD_COLUMNS,
    posting_rows,
    postings,
    split_key,
    to_record,
)
from aggregator.dedupe_store.tables import dedupe_members, dedupe_state
from dedupe.cluster import ClusterView, Representative, cluster_id_for
from dedupe.expiry import board_id_blocks
from dedupe.keys import Keys, compute_keys
from dedupe.records import DedupeRecord

_LOCK_KEY = 7_301_006  # PostgreSQL advisory lock serializing dedupe writers
_CHUNK = 500
members = dedupe_members.c
# raw reads (:mod:`rawsql`): a batch reads the members of thousands of candidate clusters
_STATE_ROWS = (
    "SELECT m.cluster_id, count(*), count(p.closed_at), max(p.closed_at) FROM dedupe_members m"
    " JOIN postings p ON p.id = m.posting_id WHERE m.cluster_id IN ({in}) GROUP BY m.cluster_id"
)
_MEMBER_ROWS = (
    "SELECT m.cluster_id, m.posting_id, m.rep_seq, m.content_hash, p.content_hash, p.closed_at"
    " FROM dedupe_members m JOIN postings p ON p.id = m.posting_id WHERE m.cluster_id IN ({in})"
)
_EVICTED = "SELECT cluster_id FROM dedupe_clusters WHERE evicted AND cluster_id IN ({in})"
_CACHED_KEYS = select(members.posting_id, members.cached_keys).where(
    members.posting_id.in_(bindparam("ids", expanding=True))
)
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


@dataclass(slots=True)
class ClusterState:
    """What a view needs of a cluster: member and open counts, last close, representatives."""

    members: int = 0
    open: int = 0
    last_closed: datetime | None = None
    reps: list[tuple[int, int]] = field(default_factory=list)  # (rep_seq, posting id)
    reps_loaded: bool = False  # ``reps`` read (a state read for expiry alone has none)
    evicted: bool = False  # past rejoining: out of the blocks (see :mod:`dedupe.expiry`)
    view: ClusterView | None = None  # built when first read, dropped when a member joins

    @property
    def closed_at(self) -> datetime | None:
        """Last close, None while any member is open."""
        return None if self.open else self.last_closed

    def join(self, closed_at: datetime | None) -> None:
        self.members += 1
        if closed_at is None:
            self.open += 1
        elif self.last_closed is None or closed_at > self.last_closed:
            self.last_closed = closed_at


class SqlCandidateSource:
    """Clusters and block keys in the ``dedupe_*`` tables (SQLite or PostgreSQL).

    Create one per transaction; call :meth:`flush` before committing. Records handed to the
    engine must be registered first (:meth:`register`) so their keys map to posting ids
    without a lookup.
    """

    def __init__(
        self,
        conn: Connection,
        *,
        block_cap: int = 200,
        cache: KeysCache | None = None,
        kept: KeptBlocks | None = None,
    ) -> None:
        """``kept``: the block working set of the caller's previous transaction (a matcher's),
        used only if no one wrote the blocks since (see :mod:`aggregator.dedupe_store.index`)."""
        self.conn = conn
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        self.cache = cache if cache is not None else KeysCache()
        self._ids: dict[str, tuple[int, str]] = {}  # record key -> (posting id, content hash)
        self._where: dict[str, str | None] = {}  # known memberships of registered records
        self._states: dict[str, ClusterState | None] = {}  # None: no such cluster
        self._reps: dict[int, Representative] = {}  # representatives of loaded states
        self._pending: dict[int, dict[str, Any]] = {}  # member rows to insert at flush
        self._date = driver_value_reader(conn, postings.c.closed_at)  # of raw reads
        stored: dict[str, str] = {
            name: value
            for name, value in conn.execute(select(dedupe_state.c.name, dedupe_state.c.value))
        }
        self.index = SqlBlockIndex(conn, block_cap, kept=kept, token=stored.get(WRITER))
        self.clock = int(stored["clock"]) if "clock" in stored else 0
        self._saved_clock = self.clock if "clock" in stored else None
        horizon = stored.get("horizon")
        self.expiry = StoreExpiry(self, datetime.fromisoformat(horizon) if horizon else None)

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
        for start in range(0, len(ids), _CHUNK):
            query = select(members.posting_id, members.cluster_id).where(
                members.posting_id.in_(ids[start : start + _CHUNK])
            )
            for posting_id, cluster_id in self.conn.execute(query):
                self._where[fresh[posting_id]] = cluster_id

    def prefetch(self, batch: Sequence[tuple[DedupeRecord, Sequence[str]]], limit: int) -> None:
        """Load in bulk what assigning ``batch`` (records and their blocks) will read."""
        self.expiry.plan(r.posted_at for r, _ in batch)
        self.index.load(h for _, blocks in batch for h in self.index.hashes(blocks))
        wanted: dict[str, None] = {}
        for record, blocks in batch:
            wanted[cluster_id_for(record.key)] = None  # a founder's id may be taken
            wanted.update(dict.fromkeys(self.index.candidates(blocks, limit)))
        self._ensure(list(wanted))

    def note(self, posting_id: int, rule: str, score: float, matched: str | None) -> bool:
        """Set how a member added in this batch matched; False if it is already written."""
        row = self._pending.get(posting_id)
        if row is None:
            return False
        row.update(rule=rule, score=score, matched=matched)
        return True

    def flush(self) -> None:
        """Write the batch's members, block registrations and clock (before the commit)."""
        if self._pending:
            rows = [self._pending[pid] for pid in sorted(self._pending)]
            self.conn.execute(insert(dedupe_members), rows)
            self._pending.clear()
        self.index.flush()
        if self._saved_clock != self.clock:
            self.conn.execute(SET_STATE, {"name": "clock", "value": str(self.clock)})
            self._saved_clock = self.clock
        self.expiry.save()

    def tick(self) -> int:
        """The next value of the dedupe clock (join order, registrations)."""
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

    def states(self, cluster_ids: Iterable[str]) -> dict[str, ClusterState | None]:
        """Member counts, last close and eviction of clusters (None: no such cluster)."""
        wanted = list(dict.fromkeys(cluster_ids))
        missing = [cid for cid in wanted if cid not in self._states]
        if missing:
            for cid in missing:
                self._states[cid] = None
            for cid, count, closed, last in fetch_in(self.conn, _STATE_ROWS, missing):
                self._states[cid] = ClusterState(count, count - closed, self._date(last))
            self._flag_evicted(missing)
        return {cid: self._states[cid] for cid in wanted}

    def _ensure(self, cluster_ids: Sequence[str]) -> None:
        """Load the states and representatives of clusters not loaded yet: one read of their
        members gives both (counts, last close and representatives)."""
        states = self._states
        unread: list[str] = []
        reps_only: list[str] = []  # states read alone (by expiry), representatives not yet
        for cid in dict.fromkeys(cluster_ids):
            if cid not in states:
                unread.append(cid)
            elif (state := states[cid]) is not None and not state.reps_loaded:
                state.reps_loaded = True  # read below
                reps_only.append(cid)
        if not unread and not reps_only:
            return
        for cid in unread:
            states[cid] = None
        fresh = set(unread)
        unknown: dict[int, bool] = {}  # posting id -> whether its stored keys are current
        date, cache = self._date, self.cache
        for cid, posting_id, rep_seq, keys_hash, content_hash, raw_closed in fetch_in(
            self.conn, _MEMBER_ROWS, unread + reps_only
        ):
            state = states[cid]
            if state is None:
                state = states[cid] = ClusterState(reps_loaded=True)
            closed_at = date(raw_closed)
            if cid in fresh:
                state.join(closed_at)
            if rep_seq is None:
                continue
            state.reps.append((rep_seq, posting_id))
            rep = cache.get(posting_id, content_hash, closed_at)
            if rep is not None:
                self._reps[posting_id] = rep
            else:
                unknown[posting_id] = keys_hash == content_hash
        self._flag_evicted(unread)
        if unknown:
            self._reps.update(self._load(unknown))

    def _flag_evicted(self, cluster_ids: list[str]) -> None:
        """Mark the loaded states of clusters past rejoining (out of the blocks)."""
        for (cid,) in fetch_in(self.conn, _EVICTED, cluster_ids):
            state = self._states[cid]
            if state is not None:
                state.evicted = True

    def _load(self, wanted: dict[int, bool]) -> dict[int, Representative]:
        """Representatives not in the process cache: with their stored keys where current
        (rows read without the description, which only computing keys needs: the engine holds
        its members so too), else from full rows with keys computed."""
        current = [pid for pid, fresh in wanted.items() if fresh]
        stored: dict[int, Keys] = {}
        for start in range(0, len(current), _CHUNK):
            chunk = {"ids": current[start : start + _CHUNK]}
            for pid, cached in self.conn.execute(_CACHED_KEYS, chunk):
                keys = decode_keys(cached)
                if keys is not None:
                    stored[pid] = keys
        out = {
            row["id"]: self._representative(row, stored[row["id"]])
            for row in posting_rows(self.conn, list(stored), description=False)
        }
        rest = [pid for pid in wanted if pid not in stored]
        out.update((row["id"], self._representative(row)) for row in posting_rows(self.conn, rest))
        return out

    # -- the CandidateSource protocol -------------------------------------------------------

    def candidate_clusters(self, blocks: Sequence[str], limit: int) -> list[str]:
        """Ids of the clusters sharing the most blocks, best first."""
        return self.index.candidates(blocks, limit)

    def expire(self, horizon: datetime | None, days: float) -> None:
        """Clusters closed more than ``days`` before ``horizon`` leave the blocks."""
        self.expiry.expire(horizon, days)

    def views(self, cluster_ids: Sequence[str]) -> list[ClusterView]:
        """Representatives (records from ``postings``, cached keys) and close date per cluster."""
        self._ensure(cluster_ids)
        out = []
        for cluster_id in cluster_ids:
            state = self._states[cluster_id]
            if state is None or not state.members:
                continue  # emptied since its blocks were read
            if state.view is None:
                reps = tuple(self._reps[pid] for _, pid in sorted(state.reps))
                state.view = ClusterView(
                    cluster_id=cluster_id,
                    representatives=reps,
                    closed_at=state.closed_at,
                    sources=frozenset(r.record.source for r in reps),
                )
            out.append(state.view)
        return out

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
        """Add a record to a cluster (written at :meth:`flush`); with blocks, a representative."""
        key = member.record.key
        posting_id, content_hash = self._posting(key)
        self._ensure([cluster_id])
        state = self._states[cluster_id]
        founded = state is None
        if state is None:
            state = self._states[cluster_id] = ClusterState(reps_loaded=True)
        state.join(member.record.closed_at)
        state.view = None
        values: dict[str, Any] = {
            "posting_id": posting_id,
            "cluster_id": cluster_id,
            "seq": self.tick(),
            "rule": "new",
            "score": None,
            "matched": None,
            "rep_seq": None,
            "cached_keys": None,
            "content_hash": None,
            "blocks": None,
        }
        if blocks is not None:
            hashes = self.index.hashes(blocks)
            values.update(self._rep_values(content_hash, member.keys, hashes))
            self._register(cluster_id, state, blocks, hashes, values["rep_seq"], founded)
            state.reps.append((values["rep_seq"], posting_id))
            self._reps[posting_id] = member
            self.cache.put(posting_id, content_hash, member)
        self._pending[posting_id] = values
        self._where[key] = cluster_id
        self.expiry.changed(cluster_id)

    def update_member(self, member: Representative, blocks: Sequence[str] | None) -> None:
        """A known record changed: a representative's keys and blocks are replaced."""
        self.flush()
        key = member.record.key
        posting_id, content_hash = self._posting(key)
        row = self.conn.execute(_MEMBER, {"b_id": posting_id}).first()
        if row is None:
            return
        self._forget(row.cluster_id)
        if row.rep_seq is not None and blocks is not None:
            hashes = self.index.hashes(blocks)
            state = self.states([row.cluster_id])[row.cluster_id]
            if state is None or not state.evicted:  # an evicted one keeps its board id only
                self.index.remove(row.cluster_id, unpack_blocks(row.blocks))
                self.index.add(row.cluster_id, hashes, self.tick())
            values = self._rep_values(content_hash, member.keys, hashes)
            values["rep_seq"] = row.rep_seq  # keeps its rank among the representatives
            self.conn.execute(_SAVE_REP, {"b_id": posting_id, **values})
            self.cache.put(posting_id, content_hash, member)
            self.expiry.forget_reps(row.cluster_id)
        self.expiry.changed(row.cluster_id)

    def remove_member(self, record_key: str) -> tuple[str, bool] | None:
        """Drop a record and its blocks."""
        self.flush()
        posting_id, _ = self._posting(record_key)
        row = self.conn.execute(_MEMBER, {"b_id": posting_id}).first()
        self._where[record_key] = None
        if row is None:
            return None
        self._forget(row.cluster_id)
        self.conn.execute(delete(dedupe_members).where(members.posting_id == posting_id))
        was_rep = row.rep_seq is not None
        if was_rep:
            self.index.remove(row.cluster_id, unpack_blocks(row.blocks))
        left = self.conn.scalar(
            select(members.posting_id).where(members.cluster_id == row.cluster_id).limit(1)
        )
        self.expiry.forget_reps(row.cluster_id)
        if left is None:
            self.index.drop_cluster(row.cluster_id)
        else:
            self.expiry.changed(row.cluster_id)
        return row.cluster_id, was_rep

    def promotable(self, cluster_id: str) -> Representative | None:
        """Earliest-joined member that is not a representative."""
        self.flush()
        posting_id = self.conn.scalar(
            select(members.posting_id)
            .where(members.cluster_id == cluster_id, members.rep_seq.is_(None))
            .order_by(members.seq)
            .limit(1)
        )
        if posting_id is None:
            return None
        (row,) = posting_rows(self.conn, [posting_id])
        return self._representative(row)

    def promote(self, cluster_id: str, record_key: str, blocks: Sequence[str]) -> None:
        """Make a member a representative: register its blocks, cache its keys."""
        self.flush()
        self._forget(cluster_id)
        posting_id, content_hash = self._posting(record_key)
        (row,) = posting_rows(self.conn, [posting_id])
        keys = self._representative(row).keys
        hashes = self.index.hashes(blocks)
        values = self._rep_values(content_hash, keys, hashes)
        self.conn.execute(_SAVE_REP, {"b_id": posting_id, **values})
        state = self.states([cluster_id])[cluster_id]
        self._register(cluster_id, state, blocks, hashes, values["rep_seq"], False)

    def clusters(self) -> dict[str, list[str]]:
        """Every cluster with its record keys in join order."""
        self.flush()
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

    def _register(
        self,
        cluster_id: str,
        state: ClusterState | None,
        blocks: Sequence[str],
        hashes: list[int],
        rep_seq: int,
        founded: bool,
    ) -> None:
        """Index a new representative's blocks (its board id's alone in an evicted cluster)."""
        sid = self.index.hashes(board_id_blocks(blocks))
        self.expiry.rep_added(cluster_id, rep_seq, hashes, sid, founded)
        self.index.add(cluster_id, sid if state is not None and state.evicted else hashes, rep_seq)

    def _forget(self, cluster_id: str) -> None:
        """Drop a loaded state whose rows are about to change outside the working set."""
        self._states.pop(cluster_id, None)

    def _rep_values(self, content_hash: str, keys: Keys, hashes: list[int]) -> dict[str, Any]:
        """Member columns of a new representative (its rank, cached keys and blocks)."""
        return {
            "rep_seq": self.tick(),
            "cached_keys": encode_keys(keys),
            "content_hash": content_hash,
            "blocks": pack_blocks(hashes),
        }

    def _representative(self, row: Any, keys: Keys | None = None) -> Representative:
        """A posting row as a representative, with its stored ``keys`` or keys computed (the
        row must then hold its description)."""
        record = to_record(row)
        posting_id, content_hash = row["id"], row["content_hash"]
        self._ids.setdefault(record.key, (posting_id, content_hash))
        rep = Representative(record, keys if keys is not None else compute_keys(record))
        self.cache.put(posting_id, content_hash, rep)
        return rep


__all__ = ["RECORD_COLUMNS", "KeysCache", "SqlCandidateSource"]
