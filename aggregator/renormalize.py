"""Replay: rebuild postings from stored raw payloads with the current parsers and mappings.

Which payloads are current? Not "the latest payload of each URL": paged POST APIs (Workday)
fetch every page from one URL. A source's current payloads are those referenced by its open
postings plus every payload of its last crawl that stored anything (status ok or partial).
Every offer id may appear in several of them (a page fetched by two runs): the newest record
wins. A listing record whose detail page the parser asks for is provisional and never used,
exactly as in the crawl, which stores the detail page's record instead.

What a replay may touch: open postings (updated when their content changed, left alone when
not, so ``last_seen_at`` keeps meaning "last listed by the source"), and offers of the last
crawl that were unreadable then and are readable now (inserted). Closed postings are never
reopened, and a posting that no longer maps is kept as it is and reported. Each batch is one
transaction through :func:`aggregator.pipeline.store_postings`, so offers follow.
"""

from __future__ import annotations

import inspect
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select, update

from aggregator.catalogue import SourceEntry
from aggregator.crawl import runs
from aggregator.crawl.finish import context_for
from aggregator.pipeline import Matcher, store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import CrawlRun, OfferPosting, PostingRow, RawPayload
from aggregator.store.offers import refresh_offers
from aggregator.store.postings import content_hash, posting_values
from normalizers.mappings import get_mapping
from normalizers.problems import ProblemLog
from spiders.parsers import get_parser
from spiders.parsers.base import RawRecord

BATCH = 1000
_CHUNK = 200
MAX_ERROR_SAMPLES = 10


@dataclass(slots=True)
class Found:
    """The record that stands for one offer, with the payload it was read from."""

    record: RawRecord
    payload_id: int
    rank: tuple[datetime, int]  # (fetched_at, payload id): the newest record wins
    from_last_crawl: bool


@dataclass(slots=True)
class Replay:
    """What a replay of one source changed, for the report and the run record."""

    source: str
    status: str = "ok"
    payloads: int = 0
    records: int = 0
    updated: int = 0
    unchanged: int = 0
    newly_readable: int = 0
    no_longer_readable: int = 0
    missing: int = 0  # open postings absent from every current payload (loaded, or pruned)
    unreadable: int = 0  # offers of the last crawl that no posting holds and that still do not map
    errors: int = 0  # payloads that no longer parse, item errors
    error_samples: list[str] = field(default_factory=list)
    error: str | None = None  # why the replay stopped, when it did
    problems: ProblemLog = field(default_factory=ProblemLog)

    def note(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(message[:500])


def current_payload_ids(conn: Connection, source: str) -> tuple[set[int], set[int]]:
    """(every current payload id, those of the last crawl that stored anything)."""
    postings, payloads, crawl_runs = PostingRow.__table__, RawPayload.__table__, CrawlRun.__table__
    referenced = set(
        conn.scalars(
            select(postings.c.raw_payload_id)
            .where(postings.c.source == source, postings.c.closed_at.is_(None))
            .where(postings.c.raw_payload_id.is_not(None))
            .distinct()
        )
    )
    last_run = conn.scalar(
        select(func.max(crawl_runs.c.id)).where(
            crawl_runs.c.source == source,
            crawl_runs.c.trigger == "crawl",
            crawl_runs.c.status.in_(("ok", "partial")),
        )
    )
    last = set(
        conn.scalars(select(payloads.c.id).where(payloads.c.run_id == last_run))
        if last_run is not None
        else ()
    )
    return referenced | last, last


def _bodies(conn: Connection, ids: Sequence[int]) -> Iterator[Any]:
    """Payload rows (with their body), a chunk at a time, oldest first."""
    table = RawPayload.__table__
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        yield from conn.execute(select(table).where(table.c.id.in_(chunk)).order_by(table.c.id))


def read_records(
    conn: Connection, entry: SourceEntry, ids: set[int], last: set[int], replay: Replay
) -> dict[str, Found]:
    """Parse the payloads again; for each offer id keep the record that the crawl would keep."""
    parse = get_parser(entry.kind).parse
    extra = (
        {"options": dict(entry.options)} if "options" in inspect.signature(parse).parameters else {}
    )
    found: dict[str, Found] = {}
    for row in _bodies(conn, sorted(ids)):
        replay.payloads += 1
        try:
            body = zlib.decompress(row.body) if row.encoding == "zlib" else bytes(row.body)
            headers = {"content-type": row.content_type} if row.content_type else None
            result = parse(body, url=row.url, headers=headers, **extra)
        except Exception as exc:  # one unreadable payload must not stop the replay
            replay.note(f"payload {row.id} ({row.url}): {exc}")
            continue
        for message in result.errors:
            replay.note(f"payload {row.id}: {message}")
        details = {f.offer_id for f in result.follow if f.purpose == "detail" and f.offer_id}
        for record in result.records:
            if record.source_offer_id in details:
                continue  # provisional: the crawl stores the detail page's record, never this
            rank = (row.fetched_at, row.id)
            known = found.get(record.source_offer_id)
            if known is None or rank > known.rank:
                found[record.source_offer_id] = Found(record, row.id, rank, row.id in last)
    return found


def _stored(conn: Connection, source: str) -> dict[str, Any]:
    table = PostingRow.__table__
    rows = conn.execute(
        select(
            table.c.id,
            table.c.source_offer_id,
            table.c.content_hash,
            table.c.closed_at,
            table.c.last_seen_at,
            table.c.listing_marker,
        ).where(table.c.source == source)
    )
    return {row.source_offer_id: row for row in rows}


def _restore_last_seen(conn: Connection, seen: dict[int, datetime], now: datetime) -> None:
    """A replay sees nothing: edited postings keep their ``last_seen_at``, offers follow."""
    if not seen:
        return
    table, link = cast(Table, PostingRow.__table__), OfferPosting.__table__
    conn.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(last_seen_at=bindparam("b_seen")),
        [{"b_id": pid, "b_seen": when} for pid, when in seen.items()],
    )
    ids = sorted(seen)
    owners: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        owners.update(conn.scalars(select(link.c.offer_id).where(link.c.posting_id.in_(chunk))))
    refresh_offers(conn, owners, now)


def _store(
    store: Store,
    batch: list[tuple[Posting, int, Any]],
    now: datetime,
    matcher: Matcher | None,
) -> None:
    with store.engine.begin() as conn:
        store_postings(
            conn,
            [posting for posting, _, _ in batch],
            now,
            matcher=matcher,
            raw_payload_ids=[payload_id for _, payload_id, _ in batch],
            listing_markers=[row.listing_marker if row else None for _, _, row in batch],
        )
        _restore_last_seen(conn, {row.id: row.last_seen_at for _, _, row in batch if row}, now)


def replay_source(
    store: Store, entry: SourceEntry, now: datetime, *, matcher: Matcher | None = None
) -> Replay:
    """Rebuild one source's postings from its current payloads; record a ``renormalize`` run."""
    replay = Replay(entry.key)
    with store.engine.begin() as conn:
        run_id = runs.open_run(conn, entry.key, now, trigger="renormalize")
    with store.engine.connect() as conn:
        ids, last = current_payload_ids(conn, entry.key)
        found = read_records(conn, entry, ids, last, replay)
        stored = _stored(conn, entry.key)
    ctx = context_for(entry, now, replay.problems)
    mapping = get_mapping(entry.kind)
    changed: list[tuple[Posting, int, Any]] = []
    for offer_id, hit in found.items():
        row = stored.get(offer_id)
        if row is not None and row.closed_at is not None:
            continue  # a closed posting stays closed: only a crawl can see it again
        if row is None and not hit.from_last_crawl:
            continue  # an old page's offer that the last crawl no longer listed
        replay.records += 1
        try:
            posting = mapping.map_record(hit.record, ctx)
        except Exception as exc:  # a mapping bug costs one offer, not the replay
            replay.note(f"offer {offer_id}: mapping error {exc!r}")
            posting = None
        if posting is None:
            if row is None:
                replay.unreadable += 1
            else:
                replay.no_longer_readable += 1
            continue
        if row is None:
            replay.newly_readable += 1
            changed.append((posting, hit.payload_id, None))
        elif content_hash(posting_values(posting)) == row.content_hash:
            replay.unchanged += 1
        else:
            replay.updated += 1
            changed.append((posting, hit.payload_id, row))
    replay.missing = sum(
        1 for oid, row in stored.items() if row.closed_at is None and oid not in found
    )
    try:
        for start in range(0, len(changed), BATCH):
            _store(store, changed[start : start + BATCH], now, matcher)
    except Exception as exc:  # the batches before stay (each is atomic); the run says why
        replay.status, replay.error = "failed", f"store: {exc}"[:500]
    if replay.status == "ok" and (replay.errors or replay.no_longer_readable):
        replay.status = "partial"
    _close(store, run_id, now, replay)
    return replay


def _close(store: Store, run_id: int, now: datetime, replay: Replay) -> None:
    stats = {
        "payloads": replay.payloads,
        "newly_readable": replay.newly_readable,
        "no_longer_readable": replay.no_longer_readable,
        "missing": replay.missing,
        "unreadable": replay.unreadable,
        "error_samples": replay.error_samples,
        "problems": replay.problems.as_dict(),
    }
    with store.engine.begin() as conn:
        runs.close_run(
            conn,
            run_id,
            now,
            status=replay.status,
            items=replay.records,
            new=replay.newly_readable,
            updated=replay.updated,
            unchanged=replay.unchanged,
            parse_errors=replay.errors + replay.no_longer_readable,
            error=replay.error,
            stats=stats,
        )


def sources_with_payloads(store: Store, keys: Sequence[str]) -> set[str]:
    """The sources among ``keys`` that have stored raw payloads (the others cannot be replayed)."""
    table = RawPayload.__table__
    with store.engine.connect() as conn:
        return set(conn.scalars(select(table.c.source).where(table.c.source.in_(keys)).distinct()))
