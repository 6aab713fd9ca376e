"""In-memory :class:`~dedupe.cluster.CandidateSource`: tests, rebuilds and small stores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from dedupe.blocking import BlockIndex
from dedupe.cluster import ClusterView, Representative


class MemoryCandidateSource:
    """Clusters, representatives and the block index, held in dictionaries."""

    def __init__(self, block_cap: int = 200) -> None:
        self.index = BlockIndex(block_cap)
        self._members: dict[str, dict[str, Representative]] = {}  # join order
        self._reps: dict[str, list[str]] = {}  # founder first, then join order
        self._blocks: dict[str, tuple[str, ...]] = {}  # representative key -> its blocks
        self._where: dict[str, str] = {}
        self._views: dict[str, ClusterView] = {}  # built on demand, dropped when a cluster changes

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
                view = cache[cluster_id] = self._view(cluster_id)
            out.append(view)
        return out

    def _view(self, cluster_id: str) -> ClusterView:
        members = self._members[cluster_id]
        reps = tuple(members[key] for key in self._reps[cluster_id])
        return ClusterView(
            cluster_id=cluster_id,
            representatives=reps,
            closed_at=_closed_at(m.record.closed_at for m in members.values()),
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
        self._members.setdefault(cluster_id, {})[key] = member
        self._reps.setdefault(cluster_id, [])
        self._where[key] = cluster_id
        if blocks is not None:
            self.promote(cluster_id, key, blocks)

    def update_member(self, member: Representative, blocks: Sequence[str] | None) -> None:
        """Replace a known record's data; a representative's blocks are re-registered."""
        key = member.record.key
        cluster_id = self._where[key]
        self._views.pop(cluster_id, None)
        self._members[cluster_id][key] = member
        if key in self._blocks and blocks is not None:
            self.index.remove(cluster_id, self._blocks[key])
            self._blocks[key] = tuple(blocks)
            self.index.add(cluster_id, blocks)

    def remove_member(self, record_key: str) -> tuple[str, bool] | None:
        """Drop a record and its blocks; an emptied cluster disappears."""
        cluster_id = self._where.pop(record_key, None)
        if cluster_id is None:
            return None
        self._views.pop(cluster_id, None)
        del self._members[cluster_id][record_key]
        was_rep = record_key in self._blocks
        if was_rep:
            self.index.remove(cluster_id, self._blocks.pop(record_key))
            self._reps[cluster_id].remove(record_key)
        if not self._members[cluster_id]:
            del self._members[cluster_id], self._reps[cluster_id]
        return cluster_id, was_rep

    def promotable(self, cluster_id: str) -> Representative | None:
        """Earliest-joined member that is not yet a representative."""
        for key, member in self._members.get(cluster_id, {}).items():
            if key not in self._blocks:
                return member
        return None

    def promote(self, cluster_id: str, record_key: str, blocks: Sequence[str]) -> None:
        """Make a member a representative and index its blocks."""
        self._views.pop(cluster_id, None)
        self._reps[cluster_id].append(record_key)
        self._blocks[record_key] = tuple(blocks)
        self.index.add(cluster_id, blocks)

    def clusters(self) -> dict[str, list[str]]:
        """Every cluster with its record keys in join order."""
        return {cid: list(members) for cid, members in self._members.items()}


def _closed_at(stamps: Iterable[datetime | None]) -> datetime | None:
    """None while any member is open, else the latest close."""
    latest: datetime | None = None
    for stamp in stamps:
        if stamp is None:
            return None
        latest = stamp if latest is None or stamp > latest else latest
    return latest
