"""The store's side of :mod:`dedupe.expiry`: clusters past rejoining leave ``dedupe_blocks``.

The store learns of closes without dedupe (expiry writes ``postings.closed_at``), so each
batch *sweeps*: the clusters with a posting closed in the span the horizon moves past
during the batch (``ix_postings_closed_at``: one index range; the horizon is kept in
``dedupe_state``) are queued with their last close, as the memory source queues a cluster
each time it changes. Those that fall due as the batch's records advance are evicted: their
block rows, but their board ids', are deleted and ``dedupe_clusters.evicted`` is set. A
cluster of this batch that closes is queued when it changes, as in memory; one that reopens
(:meth:`aggregator.dedupe_store.matcher.DedupeMatcher.sync` is given reopened postings)
registers its representatives' blocks again. So a store fed in publication order evicts at
the records the memory engine evicts at, and reaches its clusters.

A close written with a date before the horizon's sweep already passed it (the horizon is
the newest publication deduped, closes are dated when they happen) is not swept: that
cluster stays in the blocks, as before this rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select

from aggregator.dedupe_store.codec import block_hash, unpack_blocks
from aggregator.dedupe_store.index import SET_STATE
from aggregator.dedupe_store.rows import postings
from aggregator.dedupe_store.tables import dedupe_members
from dedupe.blocking import board_id_block
from dedupe.expiry import ClosingQueue

if TYPE_CHECKING:
    from aggregator.dedupe_store.source import SqlCandidateSource

_CHUNK = 500
_MARGIN = timedelta(seconds=1)  # the sweep's window is wider; the exact rule decides
members = dedupe_members.c
_joined = select(members.cluster_id).join(postings, postings.c.id == members.posting_id)
_REP_BLOCKS = (
    select(
        members.cluster_id,
        members.rep_seq,
        members.blocks,
        postings.c.source,
        postings.c.source_offer_id,
    )
    .join(postings, postings.c.id == members.posting_id)
    .where(
        members.cluster_id.in_(bindparam("clusters", expanding=True)),
        members.rep_seq.is_not(None),
    )
)

RepBlocks = tuple[int, list[int], list[int]]  # rep_seq, block hashes, its board id's hash


class StoreExpiry:
    """Eviction for one transaction's :class:`SqlCandidateSource` (one batch)."""

    def __init__(self, source: SqlCandidateSource, horizon: datetime | None) -> None:
        self.source = source
        self.queue = ClosingQueue(horizon)
        self._swept = horizon  # closes before this horizon's cut were swept by earlier batches
        self._saved = horizon
        self._batch_end: datetime | None = None
        self._reps: dict[str, list[RepBlocks]] = {}  # complete lists only

    def plan(self, published: Iterable[datetime | None]) -> None:
        """The batch's newest publication: one sweep covers every record of the batch."""
        dated = [stamp for stamp in published if stamp is not None]
        if dated:
            self._batch_end = max(dated)

    def expire(self, horizon: datetime | None, days: float) -> None:
        """Advance the horizon, evicting the queued clusters that fell due."""
        target = max((t for t in (horizon, self._batch_end) if t is not None), default=None)
        if target is not None and (self._swept is None or target > self._swept):
            self._sweep(target, days)
        due = [
            cluster_id
            for closed_at, cluster_id in self.queue.advance(horizon, days)
            if self._still_due(cluster_id, closed_at)
        ]
        if due:
            self._evict(list(dict.fromkeys(due)))

    def changed(self, cluster_id: str) -> None:
        """A cluster changed in this batch: queue its close; revive it if joinable again."""
        state = self.source.states([cluster_id])[cluster_id]
        if state is None or not state.members:
            return
        self.queue.push(cluster_id, state.closed_at)
        if state.evicted and not self.queue.dead(state.closed_at):
            self._revive(cluster_id)

    def rep_added(
        self, cluster_id: str, rep_seq: int, hashes: list[int], sid: list[int], founded: bool
    ) -> None:
        """Keep a known cluster's representative blocks complete."""
        held = self._reps.get(cluster_id)
        if held is not None:
            held.append((rep_seq, hashes, sid))
        elif founded:
            self._reps[cluster_id] = [(rep_seq, hashes, sid)]

    def forget_reps(self, cluster_id: str) -> None:
        """A representative changed or left: read them again when needed."""
        self._reps.pop(cluster_id, None)

    def save(self) -> None:
        """Write the horizon (at the source's flush)."""
        horizon = self.queue.horizon
        if horizon is not None and horizon != self._saved:
            self.source.conn.execute(SET_STATE, {"name": "horizon", "value": horizon.isoformat()})
            self._saved = horizon

    # -- helpers ----------------------------------------------------------------------------

    def _sweep(self, target: datetime, days: float) -> None:
        """Queue the clusters with a posting closed in the span the horizon moves past."""
        span = timedelta(days=days)
        query = _joined.where(postings.c.closed_at < target - span + _MARGIN)
        if self._swept is not None:
            query = query.where(postings.c.closed_at >= self._swept - span - _MARGIN)
        found = list(dict.fromkeys(self.source.conn.scalars(query.distinct())))
        self._swept = target
        due = []
        for cluster_id, state in self.source.states(found).items():
            if state is None or not state.members or state.evicted:
                continue
            self.queue.push(cluster_id, state.closed_at)
            if state.closed_at is not None and state.closed_at < target - span + _MARGIN:
                due.append(cluster_id)
        self._rep_blocks(due)  # read in one pass, not per record as they fall due

    def _still_due(self, cluster_id: str, closed_at: datetime) -> bool:
        """A queued entry stands if the cluster is still there, indexed and closed then."""
        state = self.source.states([cluster_id])[cluster_id]
        return (
            state is not None
            and state.members > 0
            and not state.evicted
            and state.closed_at == closed_at
        )

    def _evict(self, cluster_ids: list[str]) -> None:
        reps = self._rep_blocks(cluster_ids)
        index = self.source.index
        for cluster_id in cluster_ids:
            kept = {h for _, _, sid in reps[cluster_id] for h in sid}
            held = [h for _, hashes, _ in reps[cluster_id] for h in hashes]
            index.evict(cluster_id, [h for h in held if h not in kept])
            index.mark(cluster_id, True)
            self._mark(cluster_id, True)

    def _revive(self, cluster_id: str) -> None:
        """Register every representative's blocks again, in their order (as in memory)."""
        index = self.source.index
        for _, hashes, sid in sorted(self._rep_blocks([cluster_id])[cluster_id]):
            index.add(cluster_id, [h for h in hashes if h not in sid], self.source.tick())
        index.mark(cluster_id, False)
        self._mark(cluster_id, False)

    def _mark(self, cluster_id: str, evicted: bool) -> None:
        state = self.source.states([cluster_id])[cluster_id]
        if state is not None:
            state.evicted = evicted

    def _rep_blocks(self, cluster_ids: list[str]) -> dict[str, list[RepBlocks]]:
        """Each cluster's representatives' block hashes (stored rows, read once)."""
        missing = [cid for cid in cluster_ids if cid not in self._reps]
        if missing:
            self.source.flush()  # this batch's representatives are in the rows read
            for cid in missing:
                self._reps[cid] = []
            conn = self.source.conn
            for start in range(0, len(missing), _CHUNK):
                chunk = {"clusters": missing[start : start + _CHUNK]}
                for cid, rep_seq, packed, source, offer_id in conn.execute(_REP_BLOCKS, chunk):
                    sid = [block_hash(board_id_block(source, offer_id))]
                    self._reps[cid].append((rep_seq, unpack_blocks(packed), sid))
        return {cid: self._reps[cid] for cid in cluster_ids}
