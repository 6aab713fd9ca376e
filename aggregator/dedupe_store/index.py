"""The block index in SQL: block hash -> clusters, with votes, recency and a per-block cap.

Mirrors :class:`dedupe.blocking.BlockIndex` (same votes, same order, same cap) so a store
reaches the clusters the in-memory engine would. Each ``(block, cluster)`` row counts the
representatives holding it; ``seq`` is when the cluster last registered the block. A block
that outgrows the cap forgets its least recently registered clusters when a cluster is added,
as the memory index does (rows written before that rule are pruned when read). A cluster
past rejoining (:mod:`dedupe.expiry`) has its rows deleted (:meth:`SqlBlockIndex.evict`) and is
flagged in ``dedupe_clusters.evicted``.

:class:`SqlBlockIndex` is a working set for one transaction: the rows of the blocks a batch
touches are read in bulk (one query per few hundred blocks, not one per posting), votes are
counted in memory, and changes are written back in bulk by :meth:`SqlBlockIndex.flush`.

A long-lived matcher hands its next transaction's index what the last one read and wrote
(:class:`KeptBlocks`), so the blocks every batch of a load shares are read once, not once a
batch. That is safe only while no one else wrote the tables in between: each flush that writes
sets a new random ``writer`` token in ``dedupe_state`` (in the same transaction), and a kept
working set is used only if the token it was kept with is still the stored one. Another
process or matcher writing, or this transaction rolling back, leaves another token, and the
rows are read again; a transaction that fails before its flush leaves none kept.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from sqlalchemy import Connection, text

from aggregator.dedupe_store.codec import block_hash
from aggregator.dedupe_store.rawsql import execute_many, fetch_in
from dedupe.blocking import block_weight, top_ranked

_READ_BLOCKS = (
    "SELECT b.block, b.cluster_id, b.refs, b.seq, c.recency FROM dedupe_blocks b"
    " JOIN dedupe_clusters c ON c.cluster_id = b.cluster_id WHERE b.block IN ({in})"
)
# ``ON CONFLICT ... DO UPDATE`` reads the same on SQLite (3.24+) and PostgreSQL; as text the
# statements are compiled once (SQLAlchemy does not cache its dialect upsert constructs).
_PUT_BLOCKS = (
    "INSERT INTO dedupe_blocks (block, cluster_id, refs, seq) VALUES ({p}, {p}, {p}, {p})"
    " ON CONFLICT (block, cluster_id) DO UPDATE SET refs = excluded.refs, seq = excluded.seq"
)
_DROP_BLOCKS = "DELETE FROM dedupe_blocks WHERE block = {p} AND cluster_id = {p}"
MARK_EVICTED = text("UPDATE dedupe_clusters SET evicted = :evicted WHERE cluster_id = :cluster_id")
TOUCH_CLUSTER = text(
    "INSERT INTO dedupe_clusters (cluster_id, recency) VALUES (:cluster_id, :recency)"
    " ON CONFLICT (cluster_id) DO UPDATE SET recency = excluded.recency"
)
DROP_CLUSTER = text("DELETE FROM dedupe_clusters WHERE cluster_id = :cluster_id")
SET_STATE = text(
    "INSERT INTO dedupe_state (name, value) VALUES (:name, :value)"
    " ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)
WRITER = "writer"  # dedupe_state row: token of the last index flush that wrote (see above)
MAX_KEPT_ROWS = 1_000_000  # a kept working set past this many block rows is dropped (memory)


@dataclass(slots=True)
class KeptBlocks:
    """An index's working set, kept by a matcher between its transactions.

    ``token`` is the ``writer`` token the tables held when the working set was last in step
    with them (None: nothing kept). ``hashes`` (block key -> hash) is pure and always kept.
    """

    token: str | None = None
    rows: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    recency: dict[str, int] = field(default_factory=dict)
    hashes: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0  # block rows read into ``rows`` since it was last emptied

    def drop(self) -> None:
        """Forget the rows (new dicts: an index still using the old ones is not disturbed)."""
        self.token = None
        self.rows, self.recency, self.rows_read = {}, {}, 0
        if len(self.hashes) > MAX_KEPT_ROWS:
            self.hashes = {}


class SqlBlockIndex:
    """The blocks a transaction reads, in memory, with its registrations written back in bulk.

    ``_rows`` holds every row of each loaded block (cluster -> [refs, seq], in ``seq`` order,
    so the least recently registered comes first as in the memory index); ``_dirty`` the
    (block, cluster) pairs to write back (absent from ``_rows``: delete). Only one index may
    write the tables within a transaction.
    """

    def __init__(
        self,
        conn: Connection,
        cap: int = 200,
        *,
        kept: KeptBlocks | None = None,
        token: str | None = None,
    ) -> None:
        """``token``: the stored ``writer`` token, read in this transaction; ``kept``: the
        working set of the matcher's last transaction, used if its token is that one."""
        self.conn = conn
        self.cap = cap
        self.kept = kept if kept is not None else KeptBlocks()
        if self.kept.token is None or self.kept.token != token:
            self.kept.drop()
        # in use: the rows change in memory before the flush writes them; only a flush hands
        # them on again (a transaction failing before its flush leaves nothing trusted)
        self.kept.token = None
        self.token = token
        self._rows = self.kept.rows
        self._recency = self.kept.recency
        self._hashes = self.kept.hashes
        self._dirty: set[tuple[int, str]] = set()
        self._touched: set[str] = set()
        self._dropped: set[str] = set()
        self._unread_drops: set[tuple[int, str]] = set()  # evicted rows of blocks not read
        self._flags: dict[str, bool] = {}  # cluster -> evicted, to write back
        self._weights: dict[tuple[str, ...], dict[int, int]] = {}  # see :meth:`_weighted`

    def hashes(self, blocks: Iterable[str]) -> list[int]:
        """Block keys as 64-bit hashes (memoized for the transaction), duplicates dropped."""
        return list(dict.fromkeys(map(self._hash, blocks)))

    def _hash(self, name: str) -> int:
        """A block key's 64-bit hash, memoized (kept with the working set)."""
        h = self._hashes.get(name)
        if h is None:
            h = self._hashes[name] = block_hash(name)
        return h

    def load(self, hashes: Iterable[int]) -> None:
        """Read the rows of blocks not read yet (all their clusters, with recency)."""
        wanted = [h for h in dict.fromkeys(hashes) if h not in self._rows]
        if not wanted:
            return
        self._drop_unread()
        for h in wanted:
            self._rows[h] = {}
        rows = list(fetch_in(self.conn, _READ_BLOCKS, wanted))
        self.kept.rows_read += len(rows)
        rows.sort(key=itemgetter(3))  # each block's dict in registration order, as in memory
        for block, cluster_id, refs, seq, recency in rows:
            self._rows[block][cluster_id] = [refs, seq]
            self._recency.setdefault(cluster_id, recency)

    def add(self, cluster_id: str, hashes: Sequence[int], clock: int) -> None:
        """Register a cluster under block hashes at time ``clock``."""
        self._recency[cluster_id] = clock
        self._touched.add(cluster_id)
        self._dropped.discard(cluster_id)
        self.load(hashes)
        for h in dict.fromkeys(hashes):
            entries = self._rows[h]
            entry = entries.pop(cluster_id, None)  # re-inserted: most recent last
            entries[cluster_id] = [1, clock] if entry is None else [entry[0] + 1, clock]
            self._dirty.add((h, cluster_id))
            while len(entries) > self.cap:  # the least recently registered leave
                oldest = next(iter(entries))
                del entries[oldest]
                self._dirty.add((h, oldest))

    def remove(self, cluster_id: str, hashes: Sequence[int]) -> None:
        """Drop one representative's registrations (a block another one holds stays)."""
        self.load(hashes)
        for h in dict.fromkeys(hashes):
            entry = self._rows[h].get(cluster_id)
            if entry is None:
                continue
            entry[0] -= 1
            if entry[0] <= 0:
                del self._rows[h][cluster_id]
            self._dirty.add((h, cluster_id))

    def evict(self, cluster_id: str, hashes: Iterable[int]) -> None:
        """Delete a cluster's rows of these blocks, however many representatives hold them;
        rows of blocks not read are deleted without reading them."""
        for h in dict.fromkeys(hashes):
            entries = self._rows.get(h)
            if entries is None:
                self._unread_drops.add((h, cluster_id))
            elif entries.pop(cluster_id, None) is not None:
                self._dirty.add((h, cluster_id))

    def mark(self, cluster_id: str, evicted: bool) -> None:
        """Record whether a cluster left the blocks (written at :meth:`flush`)."""
        self._flags[cluster_id] = evicted

    def drop_cluster(self, cluster_id: str) -> None:
        """Forget an emptied cluster's recency row."""
        self._recency.pop(cluster_id, None)
        self._touched.discard(cluster_id)
        self._flags.pop(cluster_id, None)
        self._dropped.add(cluster_id)

    def _drop_unread(self) -> None:
        """Delete the evicted rows of blocks not read yet (before any block is read)."""
        if self._unread_drops:
            execute_many(self.conn, _DROP_BLOCKS, sorted(self._unread_drops))
            self._unread_drops.clear()

    def candidates(self, blocks: Sequence[str], limit: int) -> list[str]:
        """Clusters sharing the most (weighted) blocks, then the most recently registered."""
        weights = self._weighted(blocks)
        if not weights or limit <= 0:
            return []
        self.load(weights)
        rows, cap = self._rows, self.cap
        votes: Counter[str] = Counter()
        for h, weight in weights.items():
            entries = rows[h]
            if len(entries) > cap:
                self._prune(h, entries)
            if weight == 1:
                votes.update(entries.keys())  # counted in C
            else:
                for cluster_id in entries:
                    votes[cluster_id] += weight
        return top_ranked(votes, self._recency, limit)

    def _weighted(self, blocks: Sequence[str]) -> dict[int, int]:
        """Block hash -> votes, memoized per block list: a batch asks for each posting's
        candidates twice (to prefetch them, then to assign it)."""
        key = tuple(blocks)
        weights = self._weights.get(key)
        if weights is None:
            weights = {}
            for name in blocks:
                h = self._hash(name)
                if h not in weights:
                    weights[h] = block_weight(name)
            self._weights[key] = weights
        return weights

    def _prune(self, h: int, entries: dict[str, list[int]]) -> None:
        """Keep the ``cap`` most recently registered clusters of a block."""
        ordered = sorted(entries.items(), key=lambda item: item[1][1], reverse=True)
        for cluster_id, _ in ordered[self.cap :]:
            del entries[cluster_id]
            self._dirty.add((h, cluster_id))

    def flush(self) -> None:
        """Write registrations, removals, prunes and cluster recency back (bulk statements);
        a flush that wrote sets a new ``writer`` token, the one the working set is kept with."""
        puts: list[tuple[int, str, int, int]] = []
        drops: list[tuple[int, str]] = []
        for h, cluster_id in self._dirty:
            entry = self._rows[h].get(cluster_id)
            if entry is None:
                drops.append((h, cluster_id))
            else:
                puts.append((h, cluster_id, entry[0], entry[1]))
        wrote = bool(
            self._unread_drops or puts or drops or self._dropped or self._touched or self._flags
        )
        self._drop_unread()
        execute_many(self.conn, _DROP_BLOCKS, sorted(drops))
        execute_many(self.conn, _PUT_BLOCKS, sorted(puts))  # sorted: a stable lock order
        if self._dropped:
            self.conn.execute(DROP_CLUSTER, [{"cluster_id": c} for c in sorted(self._dropped)])
        if self._touched:
            self.conn.execute(
                TOUCH_CLUSTER,
                [{"cluster_id": c, "recency": self._recency[c]} for c in sorted(self._touched)],
            )
        if self._flags:
            self.conn.execute(
                MARK_EVICTED,
                [{"cluster_id": c, "evicted": e} for c, e in sorted(self._flags.items())],
            )
        self._dirty.clear()
        self._touched.clear()
        self._dropped.clear()
        self._flags.clear()
        if wrote:
            self.token = uuid.uuid4().hex
            self.conn.execute(SET_STATE, {"name": WRITER, "value": self.token})
        self._keep()

    def _keep(self) -> None:
        """Hand the working set, in step with the tables, to the matcher's next transaction."""
        kept = self.kept
        if kept.rows is not self._rows or kept.rows_read > MAX_KEPT_ROWS:
            kept.drop()  # too large to keep (or no longer this index's): read again next time
            return
        kept.token = self.token

    def forget(self) -> None:
        """Drop what was read (after statements outside this index changed the tables)."""
        self.flush()
        self._rows.clear()
        self._recency.clear()
