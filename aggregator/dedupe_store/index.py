"""The block index in SQL: block hash -> clusters, with votes, recency and a per-block cap.

Mirrors :class:`dedupe.blocking.BlockIndex` (same votes, same order, same cap) so a store
reaches the clusters the in-memory engine would. Each ``(block, cluster)`` row counts the
representatives holding it; ``seq`` is when the cluster last registered the block. A block
that outgrew the cap is pruned when it is next read (the memory index evicts at insert time;
the survivors are the same: the ``cap`` most recently registered clusters).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection, and_, bindparam, delete, select, text, update

from aggregator.dedupe_store.codec import block_hash
from aggregator.dedupe_store.tables import dedupe_blocks, dedupe_clusters
from dedupe.blocking import block_weight

_IN_CHUNK = 500
_CANDIDATES = (
    select(
        dedupe_blocks.c.block,
        dedupe_blocks.c.cluster_id,
        dedupe_blocks.c.seq,
        dedupe_clusters.c.recency,
    )
    .join(dedupe_clusters, dedupe_clusters.c.cluster_id == dedupe_blocks.c.cluster_id)
    .where(dedupe_blocks.c.block.in_(bindparam("blocks", expanding=True)))
)
_PRUNE = delete(dedupe_blocks).where(
    dedupe_blocks.c.block == bindparam("b_block"), dedupe_blocks.c.seq < bindparam("b_seq")
)


# ``ON CONFLICT ... DO UPDATE`` reads the same on SQLite (3.24+) and PostgreSQL; as text the
# statements are compiled once (SQLAlchemy does not cache its dialect upsert constructs).
ADD_BLOCKS = text(
    "INSERT INTO dedupe_blocks (block, cluster_id, refs, seq) VALUES (:block, :cluster_id, 1, :seq)"
    " ON CONFLICT (block, cluster_id) DO UPDATE SET refs = dedupe_blocks.refs + 1,"
    " seq = excluded.seq"
)
TOUCH_CLUSTER = text(
    "INSERT INTO dedupe_clusters (cluster_id, recency) VALUES (:cluster_id, :recency)"
    " ON CONFLICT (cluster_id) DO UPDATE SET recency = excluded.recency"
)
SET_STATE = text(
    "INSERT INTO dedupe_state (name, value) VALUES (:name, :value)"
    " ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)


class SqlBlockIndex:
    """Block registrations of clusters, read and written on the caller's connection."""

    def __init__(self, conn: Connection, cap: int = 200) -> None:
        self.conn = conn
        self.cap = cap

    def add(self, cluster_id: str, hashes: Sequence[int], clock: int) -> None:
        """Register a cluster under block hashes at time ``clock``."""
        self.conn.execute(TOUCH_CLUSTER, {"cluster_id": cluster_id, "recency": clock})
        unique = list(dict.fromkeys(hashes))
        if unique:
            self.conn.execute(
                ADD_BLOCKS, [{"block": h, "cluster_id": cluster_id, "seq": clock} for h in unique]
            )

    def remove(self, cluster_id: str, hashes: Sequence[int]) -> None:
        """Drop one representative's registrations (a block another one holds stays)."""
        unique = list(dict.fromkeys(hashes))
        table = dedupe_blocks.c
        for start in range(0, len(unique), _IN_CHUNK):
            chunk = unique[start : start + _IN_CHUNK]
            mine = and_(table.cluster_id == cluster_id, table.block.in_(chunk))
            self.conn.execute(update(dedupe_blocks).where(mine).values(refs=table.refs - 1))
            self.conn.execute(delete(dedupe_blocks).where(mine, table.refs <= 0))

    def candidates(self, blocks: Sequence[str], limit: int) -> list[str]:
        """Clusters sharing the most (weighted) blocks, then the most recently registered."""
        weights: dict[int, int] = {}
        for name in dict.fromkeys(blocks):
            weights.setdefault(block_hash(name), block_weight(name))
        if not weights or limit <= 0:
            return []
        by_block: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
        for block, cluster_id, seq, recency in self.conn.execute(
            _CANDIDATES, {"blocks": list(weights)}
        ):
            by_block[block].append((seq, cluster_id, recency))
        votes: dict[str, int] = defaultdict(int)
        recent: dict[str, int] = {}
        for block, entries in by_block.items():
            if len(entries) > self.cap:
                entries.sort(reverse=True)
                self._prune(block, entries[self.cap - 1][0])
                del entries[self.cap :]
            for _, cluster_id, recency in entries:
                votes[cluster_id] += weights[block]
                recent[cluster_id] = recency
        ranked = sorted(votes, key=lambda cid: (-votes[cid], -recent[cid]))
        return ranked[:limit]

    def _prune(self, block: int, oldest_kept: int) -> None:
        self.conn.execute(_PRUNE, {"b_block": block, "b_seq": oldest_kept})
