"""A crawl without the network: saved bodies go through the crawl's own storing stage.

The collector is filled the way the spider fills it (listing records, provisional records
whose detail page was requested, detail records replacing them), then
:func:`aggregator.crawl.finish.finish_source` stores raw payloads, postings and the run record
exactly as after a real crawl.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aggregator.catalogue import SourceEntry
from aggregator.crawl import runs
from aggregator.crawl.finish import SourceOutcome, finish_source
from aggregator.store.database import Store
from spiders.base import listing_marker
from spiders.collector import CrawlCollector, Payload
from spiders.parsers import get_parser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_body(kind: str, case: str) -> bytes:
    """The saved body of a fixture case (``tests/fixtures/<kind>/<case>/body.*``)."""
    return next((FIXTURES / kind / case).glob("body.*")).read_bytes()


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched response: where from, its body, and what the spider asked it for."""

    url: str
    body: bytes
    content_type: str | None = "application/json"
    detail_of: str | None = None  # the offer id when this is a detail page
    failed_details: tuple[str, ...] = ()  # detail pages of this listing that could not be fetched


def entry(key: str, kind: str, base_url: str, **fields: Any) -> SourceEntry:
    """A catalogue entry (token-needing kinds get one)."""
    raw = {"key": key, "name": key, "kind": kind, "base_url": base_url, "token": "tok", **fields}
    return SourceEntry.model_validate(raw)


def stored_crawl(
    store: Store, source: SourceEntry, pages: list[Page], now: datetime
) -> SourceOutcome:
    """Store what a crawl of ``pages`` would have stored (payloads, postings, run record)."""
    with store.engine.begin() as conn:
        runs.register_source(
            conn,
            source.key,
            name=source.name,
            kind=source.kind,
            priority=source.priority,
            enabled=source.enabled,
            now=now,
        )
        run_id = runs.open_run(conn, source.key, now)
    parse = get_parser(source.kind).parse
    extra = (
        {"options": dict(source.options)}
        if "options" in inspect.signature(parse).parameters
        else {}
    )
    collector = CrawlCollector(source.key)
    for page in pages:
        result = parse(
            page.body, url=page.url, headers={"content-type": page.content_type or ""}, **extra
        )
        index = collector.add_payload(Payload(page.url, 200, now, page.body, page.content_type))
        collector.responses[200] += 1
        collector.item_errors += len(result.errors)
        details = {f.offer_id for f in result.follow if f.purpose == "detail"}
        for record in result.records:
            if page.detail_of:
                collector.detail_arrived(page.detail_of, record, index)
            elif record.source_offer_id in details:
                collector.add_provisional(record, index, listing_marker(record))
            else:
                collector.add_record(record, index, listing_marker(record))
        for offer_id in page.failed_details:
            collector.detail_failed(offer_id)
    return finish_source(store, source, collector, run_id, now)
