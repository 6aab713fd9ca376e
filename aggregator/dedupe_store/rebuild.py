"""``aggregator dedupe --rebuild``: every cluster recomputed from scratch, offers rewritten.

All postings go through the engine in one canonical order (publication date, then ids),
processed in batches of rows, so the result is the one-batch result whatever the store's
history. Offer ids stay stable where a cluster keeps its founder (the offer id is derived from
the founder); postings whose offer changes are relinked, emptied offers disappear. It runs in
the caller's transaction: interrupted, it leaves the store as it was.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, select

from aggregator.dedupe_store.codec import keys_version
from aggregator.dedupe_store.index import SET_STATE
from aggregator.dedupe_store.matcher import DedupeMatcher, note_assignments
from aggregator.dedupe_store.rows import posting_rows, postings, to_record
from aggregator.dedupe_store.tables import (
    dedupe_blocks,
    dedupe_clusters,
    dedupe_members,
    dedupe_state,
)
from aggregator.store.models import OfferPosting, OfferRow
from aggregator.store.offers import Link, found_offers, link_postings, offer_id_for, refresh_offers
from dedupe.keys import Keys
from dedupe.parallel_keys import pipelined, usable_cores
from dedupe.records import DedupeRecord

_links = cast(Table, OfferPosting.__table__)
_offers = OfferRow.__table__
# From this many postings (and two batches, on 2 cores or more) a rebuild computes keys in a
# worker process. Below it keys are under 4 s of CPU (0.4 ms a posting), and the worker's start
# (about 0.35 s of CPU, a second of wall) plus the first batch, which nothing overlaps, take most
# of the gain. Incremental loads (``DedupeMatcher.match``: a few hundred postings, one batch)
# never start one.
WORKER_FROM = 10_000
WORKER_NEVER = sys.maxsize  # ``worker_from`` that keeps keys in this process
# Offers are founded this many postings at a time: a from-scratch rebuild founds one per
# cluster (418,456 for a million postings), and their full rows (descriptions, HTML) and offer
# values held at once took the 1M rebuild to 8.1 GB
FOUND_CHUNK = 5_000


@dataclass(slots=True)
class RebuildReport:
    """What a rebuild changed."""

    postings: int = 0
    clusters: int = 0
    offers_before: int = 0
    offers_after: int = 0
    relinked: int = 0  # postings whose offer changed
    created: int = 0  # offers founded by the rebuild
    merged: int = 0  # offers now holding postings of several former offers
    split: int = 0  # former offers whose postings now sit in several offers


def canonical_ids(conn: Connection) -> list[tuple[int, str, str]]:
    """(id, source, source offer id) of every posting, in the engine's canonical order."""
    rows = conn.execute(
        select(postings.c.id, postings.c.source, postings.c.source_offer_id, postings.c.posted_at)
    )

    def order(row: Any) -> tuple[float, str, str, str]:
        stamp = row.posted_at.timestamp() if row.posted_at is not None else math.inf
        return (stamp, row.source, row.source_offer_id, f"{row.source}:{row.source_offer_id}")

    return [(r.id, r.source, r.source_offer_id) for r in sorted(rows, key=order)]


Batch = tuple[list[Any], list[DedupeRecord]]  # posting rows and their records


def _keyed_batches(
    conn: Connection, ordered: list[tuple[int, str, str]], size: int, worker_from: int
) -> Generator[tuple[Batch, Mapping[str, Keys] | None], None, None]:
    """The rows and records of each batch, with their keys when a worker computes them (it
    reads the next batch and has its keys computed while the caller assigns this one)."""
    chunks = (ordered[start : start + size] for start in range(0, len(ordered), size))
    read = (_read(conn, [pid for pid, _, _ in chunk]) for chunk in chunks)
    if len(ordered) < worker_from or len(ordered) <= size or usable_cores() < 2:
        yield from ((batch, None) for batch in read)
        return
    yield from pipelined(read, lambda batch: batch[1])


def _read(conn: Connection, ids: list[int]) -> Batch:
    rows = list(posting_rows(conn, ids))
    return rows, [to_record(row) for row in rows]


def _clear(conn: Connection) -> None:
    for table in (dedupe_blocks, dedupe_clusters, dedupe_members, dedupe_state):
        conn.execute(delete(table))


def rebuild(
    conn: Connection,
    now: datetime,
    *,
    matcher: DedupeMatcher | None = None,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
    worker_from: int = WORKER_FROM,
) -> RebuildReport:
    """Recompute all clusters and bring ``offer_postings`` and ``offers`` in line with them.

    From ``worker_from`` postings on (and two batches), the keys of each batch are computed by
    a worker process while the engine assigns the batch before (:mod:`dedupe.parallel_keys`).
    """
    matcher = matcher or DedupeMatcher()
    _clear(conn)
    ordered = canonical_ids(conn)
    founders: dict[str, int] = {}
    placed: dict[int, tuple[str, str, float | None]] = {}  # posting -> (cluster, rule, score)
    done = 0
    with closing(_keyed_batches(conn, ordered, batch_size, worker_from)) as batches:
        for (rows, records), keys in batches:
            engine, source = matcher.deduper(conn)  # one working set per batch: memory is flat
            source.register(rows)
            by_key = {f"{r['source']}:{r['source_offer_id']}": r["id"] for r in rows}
            assignments = matcher.assign(engine, source, records, keys)
            note_assignments(conn, source, assignments, by_key)
            source.flush()
            for a in assignments:
                pid = by_key[a.key]
                if a.rule == "new":
                    founders[a.cluster_id] = pid
                    placed[pid] = (a.cluster_id, "founder", None)
                else:
                    placed[pid] = (a.cluster_id, a.rule, round(a.score, 4))
            done += len(rows)
            if progress:
                progress(done, len(ordered))
    conn.execute(SET_STATE, {"name": "keys_version", "value": keys_version()})
    names = {pid: (src, oid) for pid, src, oid in ordered}
    offer_of_cluster = {cid: offer_id_for(*names[pid]) for cid, pid in founders.items()}
    report = RebuildReport(postings=len(ordered), clusters=len(founders))
    _relink(conn, now, placed, offer_of_cluster, founders, report)
    return report


def _relink(
    conn: Connection,
    now: datetime,
    placed: dict[int, tuple[str, str, float | None]],
    offer_of_cluster: dict[str, str],
    founders: dict[str, int],
    report: RebuildReport,
) -> None:
    """Rewrite links and offers where the new clusters differ from the stored offers."""
    current = {
        pid: oid for pid, oid in conn.execute(select(_links.c.posting_id, _links.c.offer_id))
    }
    existing = set(conn.scalars(select(_offers.c.offer_id)))
    report.offers_before = len(existing)
    target = {pid: offer_of_cluster[cid] for pid, (cid, _, _) in placed.items()}
    to_found = [pid for cid, pid in founders.items() if offer_of_cluster[cid] not in existing]
    stale: set[str] = {current[pid] for pid in to_found if pid in current}
    stale.update(offer_of_cluster[placed[pid][0]] for pid in to_found)
    for start in range(0, len(to_found), 500):
        chunk = to_found[start : start + 500]
        conn.execute(_links.delete().where(_links.c.posting_id.in_(chunk)))
    for start in range(0, len(to_found), FOUND_CHUNK):  # full rows: a chunk at a time in memory
        chunk = to_found[start : start + FOUND_CHUNK]
        found_offers(conn, [dict(row) for row in _full_rows(conn, chunk)], now)
    founded = set(to_found)
    changes: dict[int, Link] = {}
    for pid, offer_id in target.items():
        if pid in founded or current.get(pid) == offer_id:
            continue
        _, rule, score = placed[pid]
        changes[pid] = Link(offer_id, rule, score)
        stale.add(offer_id)
        if pid in current:
            stale.add(current[pid])
    link_postings(conn, changes, now)
    refresh_offers(conn, stale, now)  # records their history
    report.created = len(to_found)
    report.relinked = len(changes) + sum(1 for pid in to_found if pid in current)
    report.offers_after = len(set(target.values()))
    former: dict[str, set[str]] = defaultdict(set)
    latter: dict[str, set[str]] = defaultdict(set)
    for pid, offer_id in target.items():
        if pid in current:
            former[offer_id].add(current[pid])
            latter[current[pid]].add(offer_id)
    report.merged = sum(len(olds) > 1 for olds in former.values())
    report.split = sum(len(news) > 1 for news in latter.values())


def _full_rows(conn: Connection, posting_ids: list[int]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(posting_ids), 500):
        chunk = posting_ids[start : start + 500]
        rows.extend(
            r._mapping for r in conn.execute(select(postings).where(postings.c.id.in_(chunk)))
        )
    return rows
