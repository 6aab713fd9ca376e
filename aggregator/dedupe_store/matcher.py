"""The dedupe stage of the write path: new postings join existing offers, incrementally.

:class:`DedupeMatcher` implements :class:`aggregator.pipeline.Matcher`: the postings a batch
inserted go through :class:`dedupe.engine.Deduper` over the SQL candidate source, in the
batch's transaction. A posting that joins a cluster is linked to that cluster's offer; one
that founds a cluster is left to the pipeline, which founds its offer (offer id = cluster id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from aggregator.dedupe_store.ahead import KeysAhead
from aggregator.dedupe_store.index import KeptBlocks
from aggregator.dedupe_store.keycache import KeysCache
from aggregator.dedupe_store.rows import posting_rows, to_record
from aggregator.dedupe_store.source import SqlCandidateSource
from aggregator.dedupe_store.tables import dedupe_members
from aggregator.schema import Posting
from aggregator.store.models import OfferPosting
from aggregator.store.offers import Link, offer_id_for
from dedupe.blocking import block_keys
from dedupe.engine import Assignment, Deduper
from dedupe.keys import Keys, compute_keys
from dedupe.records import DedupeRecord
from dedupe.scoring import DEFAULT_CONFIG, MatchConfig

_links = OfferPosting.__table__
members = dedupe_members.c


class DedupeMatcher:
    """Incremental dedupe against the store; one instance can serve a whole process, one
    transaction at a time (it keeps the keys it computed and the block rows it last read)."""

    def __init__(
        self,
        config: MatchConfig = DEFAULT_CONFIG,
        *,
        max_candidates: int = 30,
        max_representatives: int = 3,
        block_cap: int = 200,
    ) -> None:
        self.config = config
        self.max_candidates = max_candidates
        self.max_representatives = max_representatives
        self.block_cap = block_cap
        self.cache = KeysCache()
        self.kept = KeptBlocks()  # block rows of the last transaction, for the next one
        self.ahead: KeysAhead | None = None  # keys of the coming batch (see :meth:`prepare`)
        self.keys_ahead_used = 0  # keys the engine took from the worker instead of computing

    def deduper(self, conn: Connection) -> tuple[Deduper, SqlCandidateSource]:
        """An engine over the store, for one transaction (flush the source before commit)."""
        source = SqlCandidateSource(
            conn, block_cap=self.block_cap, cache=self.cache, kept=self.kept
        )
        engine = Deduper(
            source,
            self.config,
            max_candidates=self.max_candidates,
            max_representatives=self.max_representatives,
        )
        return engine, source

    def prepare(self, postings: Sequence[Posting]) -> None:
        """Postings a coming batch will store: their keys are computed in a worker process
        meanwhile (:mod:`aggregator.dedupe_store.ahead`); call :meth:`close` at the end."""
        if self.ahead is None:
            self.ahead = KeysAhead()
        self.ahead.submit(postings)

    def close(self) -> None:
        """End the keys worker :meth:`prepare` started, if any."""
        if self.ahead is not None:
            self.ahead.close()
            self.ahead = None

    def match(self, conn: Connection, posting_ids: Sequence[int]) -> dict[int, Link]:
        """Assign new postings to clusters; links for those that joined an existing one."""
        rows = list(posting_rows(conn, sorted(set(posting_ids))))
        if not rows:
            return {}
        engine, source = self.deduper(conn)
        source.register(rows)
        records = [to_record(row) for row in rows]
        assignments = self.assign(engine, source, records)
        ids = {f"{row['source']}:{row['source_offer_id']}": row["id"] for row in rows}
        note_assignments(conn, source, assignments, ids)
        source.flush()
        return _links_for(conn, assignments, ids)

    def assign(
        self,
        engine: Deduper,
        source: SqlCandidateSource,
        records: Sequence[DedupeRecord],
        keys: Mapping[str, Keys] | None = None,
    ) -> list[Assignment]:
        """Run the engine on registered records, their candidates read in bulk beforehand.

        ``keys`` (record key -> Keys) are ones already computed, e.g. by
        :mod:`dedupe.parallel_keys`; the records' missing keys are computed here.
        """
        given = dict(keys or {})
        if self.ahead is not None:
            taken = self.ahead.take(records)
            self.keys_ahead_used += len(taken)
            given.update(taken)
        # once: for blocks and for the engine
        keys = {r.key: given.get(r.key) or compute_keys(r) for r in records}
        source.prefetch([(r, block_keys(r, keys[r.key])) for r in records], self.max_candidates)
        return engine.add(records, keys)

    def sync(self, conn: Connection, posting_ids: Sequence[int]) -> int:
        """Refresh the dedupe state of changed or reopened postings (see :func:`sync_members`)."""
        rows = list(posting_rows(conn, sorted(set(posting_ids))))
        if not rows:
            return 0
        engine, source = self.deduper(conn)
        source.register(rows)
        known = [
            row for row in rows if source.cluster_of(f"{row['source']}:{row['source_offer_id']}")
        ]
        engine.add(to_record(row) for row in known)  # known keys: update in place
        source.flush()
        return len(known)


def default_matcher() -> DedupeMatcher:
    """The matcher every storing path should pass to ``store_postings`` (no settings needed)."""
    return DedupeMatcher()


def sync_members(conn: Connection, posting_ids: Sequence[int]) -> int:
    """After postings changed content or reopened: representatives' keys and block keys are
    recomputed, and a cluster that had left the blocks (past rejoining) registers them again.

    Closing needs no call (close dates are read live from ``postings``, and each batch sweeps
    the recent closes); a posting dedupe does not hold yet is left alone. Returns how many
    members were refreshed.
    """
    return default_matcher().sync(conn, posting_ids)


def note_assignments(
    conn: Connection,
    source: SqlCandidateSource,
    assignments: Sequence[Assignment],
    ids: dict[str, int],
) -> None:
    """Record rule, score and matched representative of members that joined a cluster."""
    rows = []
    for a in assignments:
        if a.rule in ("new", "known"):
            continue
        if not source.note(ids[a.key], a.rule, a.score, a.matched):
            rows.append(
                {"b_id": ids[a.key], "rule": a.rule, "score": a.score, "matched": a.matched}
            )
    if rows:
        conn.execute(
            update(dedupe_members)
            .where(members.posting_id == bindparam("b_id"))
            .values(rule=bindparam("rule"), score=bindparam("score"), matched=bindparam("matched")),
            rows,
        )


def _cluster_offers(conn: Connection, cluster_ids: list[str]) -> dict[str, str]:
    """The offer each cluster's earliest linked member belongs to."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(cluster_ids), 500):
        query = (
            select(members.cluster_id, members.seq, _links.c.offer_id)
            .join(_links, _links.c.posting_id == members.posting_id)
            .where(members.cluster_id.in_(cluster_ids[start : start + 500]))
        )
        for cluster_id, seq, offer_id in conn.execute(query):
            if cluster_id not in found or seq < found[cluster_id][0]:
                found[cluster_id] = (seq, offer_id)
    return {cid: offer for cid, (_, offer) in found.items()}


def _links_for(
    conn: Connection, assignments: Sequence[Assignment], ids: dict[str, int]
) -> dict[int, Link]:
    """Links of joining postings to their cluster's offer (founded in this batch or before)."""
    joined = [a for a in assignments if a.rule != "new"]
    offers = _cluster_offers(conn, sorted({a.cluster_id for a in joined}))
    for a in assignments:
        if a.rule == "new":  # founded here: the pipeline founds its offer from this posting
            offers.setdefault(a.cluster_id, offer_id_for(*_split(a.key)))
    links: dict[int, Link] = {}
    for a in joined:
        offer_id = offers.get(a.cluster_id)
        if offer_id is not None:
            links[ids[a.key]] = Link(offer_id, a.rule, round(a.score, 4))
    return links


def _split(key: str) -> tuple[str, str]:
    source, _, offer_id = key.partition(":")
    return source, offer_id


__all__: list[Any] = ["DedupeMatcher", "default_matcher", "sync_members"]
