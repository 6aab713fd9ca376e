"""The dedupe engine: assigns each record to the vacancy (cluster) it is a copy of.

Records of a batch are assigned one by one in canonical order (publication date, then ids),
so a batch gives the same clusters whatever its input order, and a rebuild in one batch gives
the same clusters as time-ordered incremental batches. A record joins the best-scoring
candidate cluster one of whose representatives accepts it and none of which objects to it
hard; otherwise it founds a new cluster.

A hard objection is a veto (other place, contract, pay, re-publication...) or, at the
cluster level, a second ad of the same board that does not show the same site: a board
lists a vacancy once, so its two ads naming only "Paris" are a chain's two sites, and the
cluster of one must turn the other away even when another board's copy accepts it.

Before each record the source is told its publication date (the horizon): clusters past
rejoining leave the candidate blocks (:mod:`dedupe.expiry`), so what a record is ranked
against does not grow with the history held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dedupe.blocking import block_keys
from dedupe.cluster import CandidateSource, ClusterView, Representative, cluster_id_for
from dedupe.compact import held_member
from dedupe.explanation import MatchExplanation
from dedupe.keys import Keys, compute_keys
from dedupe.memory import MemoryCandidateSource
from dedupe.records import DedupeRecord, canonical_order
from dedupe.scoring import DEFAULT_CONFIG, MatchConfig, compare, is_new_vacancy
from dedupe.vetoes import other_town, place_veto, republication_gap

# pairwise refusals that are not vetoes of the pair but forbid joining the cluster
CLUSTER_VETOES = frozenset({"same_board_place"})


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a record went: its cluster, the rule that put it there, and the score."""

    key: str
    cluster_id: str
    rule: str  # "new", "known" (already held), or the match rule ("score", "same_url"...)
    score: float
    matched: str | None = None  # the representative it matched


class Deduper:
    """Incremental entity resolution of postings into vacancies, over a CandidateSource."""

    def __init__(
        self,
        source: CandidateSource | None = None,
        config: MatchConfig = DEFAULT_CONFIG,
        *,
        max_candidates: int = 30,
        max_representatives: int = 3,
        expire_closed: bool = True,
    ) -> None:
        self.source: CandidateSource = source if source is not None else MemoryCandidateSource()
        self.config = config
        self.max_candidates = max_candidates
        self.max_representatives = max_representatives
        # clusters past rejoining leave the blocks (off: only to measure what that changes)
        self.expire_closed = expire_closed

    def add(
        self, records: Iterable[DedupeRecord], keys: Mapping[str, Keys] | None = None
    ) -> list[Assignment]:
        """Assign a batch; a key already held is updated in place and keeps its cluster.

        ``keys`` (record key -> its :func:`compute_keys`) spares computing them again when the
        caller already has them (the store computes them to prefetch candidates).
        """
        known = keys or {}
        return [self._assign(record, known.get(record.key)) for record in canonical_batch(records)]

    def remove(self, key: str) -> str | None:
        """Forget a deleted posting; returns its former cluster (its id never changes)."""
        removed = self.source.remove_member(key)
        if removed is None:
            return None
        cluster_id, was_representative = removed
        if was_representative:
            member = self.source.promotable(cluster_id)
            if member is not None:
                blocks = block_keys(member.record, member.keys)
                self.source.promote(cluster_id, member.record.key, blocks)
        return cluster_id

    def clusters(self) -> dict[str, list[str]]:
        """Cluster id -> record keys, for every vacancy held."""
        return self.source.clusters()

    def best_match(self, record: DedupeRecord) -> tuple[ClusterView, MatchExplanation] | None:
        """The cluster a record would join and why (None: it would found a new one)."""
        keys = compute_keys(record)
        return self._best(Representative(record, keys), block_keys(record, keys))

    def _best(
        self, member: Representative, blocks: list[str]
    ) -> tuple[ClusterView, MatchExplanation] | None:
        ids = self.source.candidate_clusters(blocks, self.max_candidates)
        accepted: list[tuple[ClusterView, MatchExplanation]] = []
        for view in self.source.views(ids):
            verdict = self._judge(member, view)
            if verdict is not None:
                accepted.append((view, verdict))
        if not accepted:
            return None
        best = max(accepted, key=lambda found: found[1].total)  # first of equals: rank order
        if self.config.refuse_ambiguous and any(
            _other_site(best[0], view, self.config) for view, _ in accepted if view is not best[0]
        ):
            # this copy fits two vacancies of different sites: joining either is a guess
            return None
        return best

    def _judge(self, member: Representative, view: ClusterView) -> MatchExplanation | None:
        """Best accepting representative; None if none matches or any one objects hard.

        Any representative in another town refuses the cluster whatever the others say, so
        that plain test (most candidates are a chain's or an employer's ads elsewhere) runs
        over them all before anything is scored.
        """
        record, place = member.record, member.keys.place
        reps = view.representatives
        for rep in reps:
            if (
                other_town(place, rep.keys.place)
                and rep.record.key != record.key
                and not _same_board_id(record, rep.record)
            ):
                return None  # compare's place veto, without building its explanation
        closed_at = view.closed_at
        if closed_at is not None and _closed_long_before(record, view, self.config):
            return None  # every representative would veto it as a new vacancy: skip the scoring
        best: MatchExplanation | None = None
        for rep in reps:
            if rep.record.key == record.key:
                continue
            verdict = compare(
                record, member.keys, rep.record, rep.keys, closed_at=closed_at, config=self.config
            )
            if verdict.vetoed or verdict.rule in CLUSTER_VETOES:
                return None
            if verdict.match and (best is None or verdict.total > best.total):
                best = verdict
        return best

    def _assign(self, record: DedupeRecord, keys: Keys | None = None) -> Assignment:
        if self.expire_closed:
            self.source.expire(record.posted_at, self.config.new_vacancy_days)
        known = self.source.cluster_of(record.key)
        if keys is None:
            keys = compute_keys(record)
        member = held_member(record, keys)
        blocks = block_keys(record, keys)
        if known is not None:
            self.source.update_member(member, blocks)
            return Assignment(record.key, known, "known", 1.0)
        found = self._best(member, blocks)
        if found is None:
            cluster_id = cluster_id_for(record.key)
            self.source.add_member(cluster_id, member, blocks)
            return Assignment(record.key, cluster_id, "new", 0.0)
        view, verdict = found
        is_rep = (
            len(view.representatives) < self.max_representatives
            and record.source not in view.sources
        )
        self.source.add_member(view.cluster_id, member, blocks if is_rep else None)
        return Assignment(record.key, view.cluster_id, verdict.rule, verdict.total, verdict.right)


def _closed_long_before(record: DedupeRecord, view: ClusterView, config: MatchConfig) -> bool:
    """Whether the cluster closed too long before the record for it to be a re-post.

    :func:`dedupe.scoring.compare` vetoes such a pair unless it is the same board's id, so
    this answers what comparing every representative would, without comparing them.
    """
    if not is_new_vacancy(republication_gap(record.posted_at, view.closed_at), config):
        return False
    return not any(_same_board_id(record, r.record) for r in view.representatives)


def _same_board_id(a: DedupeRecord, b: DedupeRecord) -> bool:
    """The one pair :func:`compare` matches before any veto (``same_source_id``)."""
    return a.source == b.source and a.source_offer_id == b.source_offer_id


def _other_site(a: ClusterView, b: ClusterView, config: MatchConfig) -> bool:
    """Whether two clusters' founders are kept apart by their place (two sites of a chain)."""
    fa, fb = a.representatives[0].keys, b.representatives[0].keys
    veto = place_veto(fa, fb, config.max_km, config.max_site_km, config.split_site_km)
    return veto is not None


def canonical_batch(records: Iterable[DedupeRecord]) -> list[DedupeRecord]:
    """A batch in canonical order, one record per key (the latest state of a repeated key)."""
    latest: dict[str, DedupeRecord] = {}
    for record in records:
        held = latest.get(record.key)
        if held is None or _state(record) > _state(held):
            latest[record.key] = record
    return sorted(latest.values(), key=canonical_order)


def _state(record: DedupeRecord) -> tuple[float, str]:
    """Total order on two versions of one key: a closed version wins, then content."""
    closed = record.closed_at.timestamp() if record.closed_at is not None else -1.0
    return (closed, repr(record))
