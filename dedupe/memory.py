"""In-memory :class:`~dedupe.cluster.CandidateSource`: tests, rebuilds and small stores.

Sized for a million postings: a member is held once (its representative record and keys), a
cluster as two short tuples of keys. A representative's block keys are kept only while its
cluster can be joined: eviction removes them from the index without computing them again,
and the clusters past rejoining (most of a large store) hold none; a revived or changed one
recomputes them from its keys. Views are cached for the clusters read lately.
A cluster that can no longer be joined leaves the blocks (:mod:`dedupe.expiry`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from dedupe.blocking import BlockIndex, block_keys
from dedupe.cluster import ClusterView, Representative
from dedupe.expiry import ClosingQueue, board_id_blocks, indexed_blocks

VIEW_CACHE = 100_000  # cluster views kept between reads (rebuilt on demand past that)


class MemoryCandidateSource:
    """Clusters, representatives and the block index, held in dictionaries."""

    def __init__(self, block_cap: int = 200) -> None:
        self.index = BlockIndex(block_cap)
        self._records: dict[str, Representative] = {}  # every member, by record key
        self._where: dict[str, str] = {}  # record key -> cluster id
        self._members: dict[str, tuple[str, ...]] = {}  # cluster -> keys in join order
        self._reps: dict[str, tuple[str, ...]] = {}  # founder first, then promotion order
        self._views: dict[str, ClusterView] = {}  # built on demand, dropped when a cluster changes
        self._closing = ClosingQueue()
        self._evicted: set[str] = set()  # clusters past rejoining: only their board ids indexed
        self._rep_blocks: dict[str, list[str]] = {}  # representative -> blocks, until evicted

    def candidate_clusters(self, blocks: Sequence[str], limit: int) -> list[str]:
        """Ids of the clusters sharing the most blocks, best first."""
        return self.index.candidates(blocks, limit)

    def views(self, cluster_ids: Sequence[str]) -> list[ClusterView]:
        """Representatives and close date of each cluster (cached until the cluster changes)."""
        cache = self._views
        out = []
        for cluster_id in cluster_ids:
            view = cache.get(cluster_id)
            if view is None:
                if len(cache) >= VIEW_CACHE:
                    cache.clear()
                view = cache[cluster_id] = self._view(cluster_id)
            out.append(view)
        return out

    def _view(self, cluster_id: str) -> ClusterView:
        records = self._records
        reps = tuple(records[key] for key in self._reps[cluster_id])
        return ClusterView(
            cluster_id=cluster_id,
            representatives=reps,
            closed_at=_closed_at(records[k].record.closed_at for k in self._members[cluster_id]),
            sources=frozenset(r.record.source for r in reps),
        )

    def cluster_of(self, record_key: str) -> str | None:
        """Cluster holding a record."""
        return self._where.get(record_key)

    def add_member(
        self, cluster_id: str, member: Representative, blocks: Sequence[str] | None
    ) -> None:
        """Add a record to a cluster, creating it; with blocks it becomes a representative."""
        key = member.record.key
        self._views.pop(cluster_id, None)
        self._records[key] = member
        self._members[cluster_id] = (*self._members.get(cluster_id, ()), key)
        self._reps.setdefault(cluster_id, ())
        self._where[key] = cluster_id
        if blocks is not None:
            self.promote(cluster_id, key, blocks)
        self._changed(cluster_id)

    def update_member(self, member: Representative, blocks: Sequence[str] | None) -> None:
        """Replace a known record's data; a representative's blocks are re-registered."""
        key = member.record.key
        cluster_id = self._where[key]
        self._views.pop(cluster_id, None)
        held = self._records[key]
        self._records[key] = member
        if key in self._reps[cluster_id] and blocks is not None:
            old = self._blocks_of(key, held)
            if cluster_id not in self._evicted:
                self._rep_blocks[key] = list(blocks)
            else:
                old, blocks = board_id_blocks(old), board_id_blocks(blocks)
                if old == blocks:
                    blocks = None
            if blocks is not None:
                self.index.remove(cluster_id, old)
                self.index.add(cluster_id, blocks)
        self._changed(cluster_id)

    def remove_member(self, record_key: str) -> tuple[str, bool] | None:
        """Drop a record and its blocks; an emptied cluster disappears."""
        cluster_id = self._where.pop(record_key, None)
        if cluster_id is None:
            return None
        self._views.pop(cluster_id, None)
        held = self._records.pop(record_key)
        members = tuple(k for k in self._members[cluster_id] if k != record_key)
        reps = self._reps[cluster_id]
        was_rep = record_key in reps
        if was_rep:
            self.index.remove(cluster_id, self._blocks_of(record_key, held))
            self._rep_blocks.pop(record_key, None)
            self._reps[cluster_id] = tuple(k for k in reps if k != record_key)
        if members:
            self._members[cluster_id] = members
            self._changed(cluster_id)
        else:
            del self._members[cluster_id], self._reps[cluster_id]
            self._evicted.discard(cluster_id)
        return cluster_id, was_rep

    def promotable(self, cluster_id: str) -> Representative | None:
        """Earliest-joined member that is not yet a representative."""
        reps = self._reps.get(cluster_id, ())
        for key in self._members.get(cluster_id, ()):
            if key not in reps:
                return self._records[key]
        return None

    def promote(self, cluster_id: str, record_key: str, blocks: Sequence[str]) -> None:
        """Make a member a representative and index its blocks."""
        self._views.pop(cluster_id, None)
        self._reps[cluster_id] = (*self._reps[cluster_id], record_key)
        if cluster_id in self._evicted:
            blocks = board_id_blocks(blocks)
        else:
            self._rep_blocks[record_key] = list(blocks)
        self.index.add(cluster_id, blocks)

    def expire(self, horizon: datetime | None, days: float) -> None:
        """Records published before ``horizon`` are all assigned: clusters closed more than
        ``days`` before it leave the blocks (a board id's block stays)."""
        for closed_at, cluster_id in self._closing.advance(horizon, days):
            if cluster_id in self._evicted or cluster_id not in self._members:
                continue
            if self._last_close(cluster_id) != closed_at:
                continue  # reopened or closed later since: a newer entry stands for it
            self._evicted.add(cluster_id)
            for key in self._reps[cluster_id]:
                blocks = self._blocks_of(key, self._records[key])
                self._rep_blocks.pop(key, None)  # an evicted cluster holds no blocks
                self.index.remove(cluster_id, indexed_blocks(blocks))

    def evicted(self, cluster_id: str) -> bool:
        """Whether a cluster left the blocks (past rejoining at the horizon)."""
        return cluster_id in self._evicted

    def _changed(self, cluster_id: str) -> None:
        """A cluster's members changed: queue its close; an evicted one joinable again returns."""
        closed_at = self._last_close(cluster_id)
        self._closing.push(cluster_id, closed_at)
        if cluster_id in self._evicted and not self._closing.dead(closed_at):
            self._evicted.discard(cluster_id)
            for key in self._reps[cluster_id]:
                rep = self._records[key]
                blocks = self._rep_blocks[key] = block_keys(rep.record, rep.keys)
                self.index.add(cluster_id, indexed_blocks(blocks))

    def _blocks_of(self, key: str, rep: Representative) -> list[str]:
        """A representative's block keys: kept while its cluster can be joined, else computed."""
        blocks = self._rep_blocks.get(key)
        return blocks if blocks is not None else block_keys(rep.record, rep.keys)

    def _last_close(self, cluster_id: str) -> datetime | None:
        records = self._records
        return _closed_at(records[k].record.closed_at for k in self._members[cluster_id])

    def clusters(self) -> dict[str, list[str]]:
        """Every cluster with its record keys in join order."""
        return {cid: list(keys) for cid, keys in self._members.items()}


def _closed_at(stamps: Iterable[datetime | None]) -> datetime | None:
    """None while any member is open, else the latest close."""
    latest: datetime | None = None
    for stamp in stamps:
        if stamp is None:
            return None
        latest = stamp if latest is None or stamp > latest else latest
    return latest
