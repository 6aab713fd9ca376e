"""After the fetch: raw payloads, normalized postings, expiry and the run record of a source.

Runs outside Scrapy, on what a :class:`~spiders.collector.CrawlCollector` gathered. Each
batch of postings is its own transaction; expiry and the run record come last, so a crash
half-way leaves a run ``running`` (the scheduler marks it failed) and closes nothing.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert

from aggregator.catalogue import SourceEntry
from aggregator.crawl import expiry, runs
from aggregator.pipeline import Matcher, store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.models import FetchState, RawPayload, table_of
from aggregator.store.postings import UpsertResult
from normalizers.mappings import get_mapping
from normalizers.mappings.base import SourceContext
from normalizers.problems import ProblemLog
from schedules.snapshot import crawl_problems
from spiders.collector import CrawlCollector

BATCH = 1000
FILL_SAMPLE = 10  # offers read in a run before its fill rates are compared with usual ones
# Kinds whose board belongs to one employer: the source's name is the company when an offer
# names none (Lever and Ashby never do).
EMPLOYER_KINDS = frozenset(
    {"greenhouse", "lever", "workable", "smartrecruiters", "recruitee", "ashby", "personio"}
    | {"workday", "jsonld"}
)
FILL_FIELDS = {
    "title": ("title",),
    "company": ("company",),
    "location": ("city",),
    "salary": ("salary_min", "salary_max"),
    "date": ("posted_at",),
}


@dataclass(slots=True)
class SourceOutcome:
    """What one source's crawl amounted to, for the summary and the run record."""

    source: str
    status: str
    seen: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    errors: int = 0
    suspicious: str | None = None
    error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)


def _store_payloads(store: Store, source: str, run_id: int, collector: CrawlCollector) -> list[int]:
    """Insert new bodies (compressed) and remember validators for conditional GET."""
    ids: list[int] = []
    with store.engine.begin() as conn:
        for payload in collector.payloads:
            if payload.body is None:
                ids.append(payload.stored_id or 0)
                continue
            payload_id: int = conn.execute(
                insert(table_of(RawPayload))
                .values(
                    source=source,
                    run_id=run_id,
                    url=payload.url,
                    fetched_at=payload.fetched_at,
                    status=payload.status,
                    content_type=payload.content_type,
                    encoding="zlib",
                    body=zlib.compress(payload.body, 6),
                    sha256=hashlib.sha256(payload.body).hexdigest(),
                )
                .returning(table_of(RawPayload).c.id)
            ).scalar_one()
            ids.append(payload_id)
        _remember_validators(conn, source, collector, ids)
    return ids


def _remember_validators(
    conn: Connection, source: str, collector: CrawlCollector, ids: Sequence[int]
) -> None:
    table = table_of(FetchState)
    rows = {
        p.url: {
            "source": source,
            "url": p.url[:2048],
            "etag": p.etag,
            "last_modified": p.last_modified,
            "raw_payload_id": ids[i],
            "fetched_at": p.fetched_at,
        }
        for i, p in enumerate(collector.payloads)
        if (p.etag or p.last_modified) and ids[i]
    }
    if rows:
        urls = [r["url"] for r in rows.values()]
        for start in range(0, len(urls), 500):
            conn.execute(
                delete(table).where(
                    table.c.source == source, table.c.url.in_(urls[start : start + 500])
                )
            )
        conn.execute(insert(table), list(rows.values()))


def context_for(entry: SourceEntry, now: datetime, problems: ProblemLog) -> SourceContext:
    """The mapping context of a catalogue source (its defaults, its problem log)."""
    defaults = getattr(get_mapping(entry.kind), "CONTEXT_DEFAULTS", {})
    options = dict(entry.options)
    if entry.kind in EMPLOYER_KINDS:
        options.setdefault("company", entry.name)
    return SourceContext(
        source=entry.key,
        kind=entry.kind,
        country=entry.country or defaults.get("country"),
        language=entry.language or defaults.get("language"),
        timezone=entry.timezone if entry.timezone != "UTC" else defaults.get("timezone", "UTC"),
        currency=entry.currency or defaults.get("currency"),
        base_url=entry.base_url,
        now=now,
        problems=problems,
        options=options,
    )


def _fill_rates(postings: Sequence[Posting]) -> dict[str, float]:
    return {
        name: round(
            sum(any(getattr(p, f) is not None for f in fields) for p in postings) / len(postings), 4
        )
        for name, fields in FILL_FIELDS.items()
    }


def _status(collector: CrawlCollector, rejected: int) -> tuple[str, str | None]:
    ok_responses = sum(n for status, n in collector.responses.items() if status < 400)
    if collector.fatal:
        return "failed", collector.fatal
    if ok_responses == 0:
        sample = collector.error_samples[0] if collector.error_samples else "no response"
        return "failed", sample
    if not collector.complete:
        reason = (
            collector.close_reason if collector.close_reason not in (None, "finished") else None
        )
        reason = collector.cut_short or reason
        return "partial", reason or f"{collector.failed_requests} requests failed"
    if collector.item_errors or rejected:
        return "partial", f"{collector.item_errors + rejected} offers could not be read"
    return "ok", None


@dataclass(slots=True)
class MappedSource:
    """A source's crawl after mapping: its postings, ready to store with every other source's."""

    entry: SourceEntry
    collector: CrawlCollector
    run_id: int
    postings: list[Posting]
    raw_ids: list[int | None]
    markers: list[str | None]
    rejected: int
    problems: ProblemLog


def map_source(
    store: Store, entry: SourceEntry, collector: CrawlCollector, run_id: int, now: datetime
) -> MappedSource:
    """Keep the source's raw payloads and map its records to the common schema."""
    payload_ids = _store_payloads(store, entry.key, run_id, collector)
    problems = ProblemLog()
    ctx = context_for(entry, now, problems)
    mapping = get_mapping(entry.kind)
    mapped = MappedSource(entry, collector, run_id, [], [], [], 0, problems)
    for collected in collector.records.values():
        posting = mapping.map_record(collected.record, ctx)
        if posting is None:
            mapped.rejected += 1
            continue
        mapped.postings.append(posting)
        mapped.raw_ids.append(payload_ids[collected.payload] or None)
        mapped.markers.append(collected.marker)
    return mapped


def _publication_order(item: tuple[Posting, int | None, str | None]) -> tuple[Any, ...]:
    posting = item[0]
    stamp = posting.posted_at.timestamp() if posting.posted_at else float("inf")
    return (stamp, posting.source, posting.source_offer_id)


def store_sources(
    store: Store, sources: Sequence[MappedSource], now: datetime, *, matcher: Matcher | None
) -> UpsertResult:
    """Store every source's postings together, oldest publication first, in atomic batches.

    Publication order (not source after source) is what makes incremental dedupe reach the
    clusters a rebuild finds: the first copy of a vacancy founds its offer.
    """
    items = sorted(
        (
            (posting, raw_id, marker)
            for source in sources
            for posting, raw_id, marker in zip(
                source.postings, source.raw_ids, source.markers, strict=True
            )
        ),
        key=_publication_order,
    )
    result = UpsertResult()
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        with store.engine.begin() as conn:
            result.add(
                store_postings(
                    conn,
                    [item[0] for item in batch],
                    now,
                    matcher=matcher,
                    raw_payload_ids=[item[1] for item in batch],
                    listing_markers=[item[2] for item in batch],
                )
            )
    return result


def close_source(
    store: Store, mapped: MappedSource, result: UpsertResult, now: datetime
) -> SourceOutcome:
    """Touch what was seen unchanged, expire safely, and close the source's run record."""
    entry, collector, rejected = mapped.entry, mapped.collector, mapped.rejected
    counts = result.by_source.get(entry.key, Counter())
    status, error = _status(collector, rejected)
    seen = collector.seen_ids
    stats: dict[str, Any] = {
        "responses": {str(k): v for k, v in sorted(collector.responses.items())},
        "error_samples": collector.error_samples,
        "problems": mapped.problems.as_dict(),
        # Fill rates only describe offers read in this run; a handful re-read (the rest
        # unchanged) says nothing about the source, and one offer without a salary is no collapse.
        "fill": _fill_rates(mapped.postings) if len(mapped.postings) >= FILL_SAMPLE else None,
        "complete": collector.complete,
        "advertised_total": collector.advertised_total,
        "mapping_rejected": rejected,
    }
    with store.engine.begin() as conn:
        touched = expiry.touch_seen(conn, entry.key, collector.seen_unchanged, now)
        reasons = crawl_problems(
            conn,
            entry.key,
            status=status,
            items=len(seen),
            parse_errors=collector.item_errors + rejected,
            stats=stats,
        )
        suspicious = "; ".join(reasons) if reasons and status == "ok" else None
        stats["suspicious"] = suspicious
        closed = 0
        if status == "ok" and suspicious is None:
            closed = expiry.close_missing(conn, entry.key, seen, now)
        closed += expiry.close_expired(conn, now, source=entry.key)
        outcome = SourceOutcome(
            source=entry.key,
            status=status,
            seen=len(seen),
            new=counts["new"],
            updated=counts["updated"],
            unchanged=counts["unchanged"] + touched,
            closed=closed,
            errors=collector.item_errors + rejected + collector.failed_requests,
            suspicious=suspicious,
            error=error,
            stats=stats,
        )
        runs.close_run(
            conn,
            mapped.run_id,
            now,
            status=status,
            requests=collector.requests,
            items=len(seen),
            new=outcome.new,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            closed=closed,
            parse_errors=collector.item_errors + rejected,
            error=error,
            stats=stats,
        )
    return outcome


def finish_source(
    store: Store,
    entry: SourceEntry,
    collector: CrawlCollector,
    run_id: int,
    now: datetime,
    *,
    matcher: Matcher | None = None,
) -> SourceOutcome:
    """All three steps for one source (a crawl of several sources stores them together)."""
    mapped = map_source(store, entry, collector, run_id, now)
    return close_source(store, mapped, store_sources(store, [mapped], now, matcher=matcher), now)
