"""One Scrapy process over several catalogue sources, then the storing stage per source.

The Twisted reactor cannot be restarted, so :func:`crawl` runs at most once per process:
the CLI runs it once, the scheduler runs each crawl in a child process.
"""

from __future__ import annotations

import importlib
import logging
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import CrawlerProcess
from sqlalchemy import select

from aggregator.catalogue import CatalogueError, SourceEntry, resolve_credentials
from aggregator.crawl import runs
from aggregator.crawl.finish import SourceOutcome, close_source, map_source, store_sources
from aggregator.dedupe_store.matcher import default_matcher
from aggregator.pipeline import Matcher
from aggregator.store.database import Store
from aggregator.store.models import FetchState, PostingRow, RawPayload, table_of
from schedules.logs import bind_source_run
from spiders.base import FetchMemo, KnownPosting, SourceSpider
from spiders.collector import CrawlCollector
from spiders.settings import base_settings, source_settings

log = logging.getLogger(__name__)


def _known_postings(store: Store, source: str) -> dict[str, KnownPosting]:
    table = table_of(PostingRow)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.source_offer_id, table.c.listing_marker, table.c.url).where(
                table.c.source == source
            )
        )
        return {r.source_offer_id: KnownPosting(r.listing_marker, r.url) for r in rows}


def _memos(store: Store, source: str) -> dict[str, FetchMemo]:
    table = table_of(FetchState)
    with store.engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.source == source))
        return {r.url: FetchMemo(r.etag, r.last_modified, r.raw_payload_id) for r in rows}


def stored_body_reader(store: Store) -> Callable[[int], tuple[bytes, str | None] | None]:
    """Read a kept raw payload back (to re-parse a listing answered with 304)."""

    def read(payload_id: int) -> tuple[bytes, str | None] | None:
        table = table_of(RawPayload)
        with store.engine.connect() as conn:
            row = conn.execute(
                select(table.c.body, table.c.encoding, table.c.content_type).where(
                    table.c.id == payload_id
                )
            ).first()
        if row is None:
            return None
        body = zlib.decompress(row.body) if row.encoding == "zlib" else bytes(row.body)
        return body, row.content_type

    return read


def _spider_class(entry: SourceEntry, polite: bool) -> type[SourceSpider]:
    """A spider class of its own per source, carrying that source's Scrapy settings."""
    return type(
        f"Spider_{entry.key.replace('-', '_').replace('.', '_')}",
        (SourceSpider,),
        {"custom_settings": source_settings(entry, polite=polite)},
    )


def crawl(
    store: Store,
    entries: Sequence[SourceEntry],
    *,
    polite: bool = True,
    matcher: Matcher | None = None,
    settings: dict[str, Any] | None = None,
    on_source_done: Callable[[SourceOutcome], None] | None = None,
    on_progress: Callable[[Sequence[CrawlCollector]], None] | None = None,
) -> list[SourceOutcome]:
    """Crawl the sources concurrently in one Scrapy process, then store what they found.

    ``matcher`` defaults to the dedupe stage (:func:`default_matcher`); ``on_progress`` is
    called every second during the fetch with every source's collector (for a display).
    """
    matcher = matcher or default_matcher()
    started = datetime.now(UTC)
    collectors: dict[str, CrawlCollector] = {}
    run_ids: dict[str, int] = {}
    for chatty in ("scrapy.utils.log", "scrapy.crawler"):  # start-up banners, before levels apply
        logging.getLogger(chatty).addFilter(_warnings_only)
    process = CrawlerProcess({**base_settings(polite=polite), **(settings or {})})
    for noisy in ("scrapy", "asyncio", "twisted", "py.warnings"):  # Scrapy set them to DEBUG
        logging.getLogger(noisy).setLevel(logging.WARNING)
    reader = stored_body_reader(store)
    for entry in entries:
        collector = CrawlCollector(entry.key)
        collectors[entry.key] = collector
        with store.engine.begin() as conn:
            runs.register_source(
                conn,
                entry.key,
                name=entry.name,
                kind=entry.kind,
                priority=entry.priority,
                enabled=entry.enabled,
                now=started,
            )
            run_ids[entry.key] = runs.open_run(conn, entry.key, started)
        bind_source_run(entry.key, run_ids[entry.key])
        try:
            credentials = resolve_credentials(entry)
        except CatalogueError as exc:
            collector.fatal = str(exc)
            collector.note_error(str(exc))
            continue
        crawler = process.create_crawler(_spider_class(entry, polite))
        process.crawl(
            crawler,
            source=entry,
            kind=importlib.import_module(f"spiders.{entry.kind}"),
            collector=collector,
            known=_known_postings(store, entry.key),
            memos=_memos(store, entry.key),
            stored_body=reader,
            credentials=credentials,
        )
    if process.crawlers:
        ticker = None
        if on_progress is not None:
            from twisted.internet.task import LoopingCall

            ticker = LoopingCall(on_progress, list(collectors.values()))
            ticker.start(1.0, now=False)
        process.start()
        if ticker is not None and ticker.running:
            ticker.stop()
    finished = datetime.now(UTC)
    mapped = [
        map_source(store, entry, collectors[entry.key], run_ids[entry.key], finished)
        for entry in entries
    ]
    stored = store_sources(store, mapped, finished, matcher=matcher)
    outcomes = []
    for source in mapped:
        outcome = close_source(store, source, stored, finished)
        outcomes.append(outcome)
        log.info(
            "crawl finished: %s, %d offers seen, %d new, %d updated, %d closed",
            outcome.status,
            outcome.seen,
            outcome.new,
            outcome.updated,
            outcome.closed,
            extra={"source": outcome.source, "run_id": source.run_id, "status": outcome.status},
        )
        if on_source_done:
            on_source_done(outcome)
    return outcomes


def _warnings_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING
