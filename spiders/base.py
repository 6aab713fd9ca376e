"""The shared Scrapy spider: one instance crawls one catalogue source with its kind's parser.

A kind module (``spiders/<kind>.py``) only says where a crawl starts (and, for France
Travail, how to authenticate); parsing is the pure parser of ``spiders/parsers/``; Scrapy
owns the network (retries, throttling, robots.txt, stats). Everything found goes to the
source's :class:`~spiders.collector.CrawlCollector`.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any, ClassVar

import orjson
import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from aggregator.catalogue import SourceEntry
from spiders.collector import CrawlCollector, Payload
from spiders.parsers import parse_body
from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord


@dataclass(frozen=True, slots=True)
class KnownPosting:
    """What the store knows of an offer before the crawl: its page URL and listing marker."""

    marker: str | None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class FetchMemo:
    """What the last fetch of a URL returned (for If-None-Match / If-Modified-Since)."""

    etag: str | None
    last_modified: str | None
    raw_payload_id: int | None


def listing_marker(record: RawRecord) -> str:
    """The listing's own change marker, else a digest of the listing item."""
    if record.updated:
        return record.updated[:200]
    digest = hashlib.blake2b(
        orjson.dumps(record.data, option=orjson.OPT_SORT_KEYS, default=str), digest_size=12
    )
    return f"h:{digest.hexdigest()}"


class SourceSpider(scrapy.Spider):
    """Crawls one source: first requests from its kind module, then whatever the parser says."""

    handle_httpstatus_list: ClassVar[list[int]] = [304]

    def __init__(
        self,
        *,
        source: SourceEntry,
        kind: ModuleType,
        collector: CrawlCollector,
        known: dict[str, KnownPosting] | None = None,
        memos: dict[str, FetchMemo] | None = None,
        stored_body: Callable[[int], tuple[bytes, str | None] | None] | None = None,
        credentials: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=source.key, **kwargs)
        self.source = source
        self.kind = kind

        self.collector = collector
        self.known = known or {}
        self.known_by_url = {k.url: (oid, k.marker) for oid, k in self.known.items() if k.url}
        self.memos = memos or {}
        self.stored_body = stored_body
        self.credentials = credentials or {}
        self.listed_pages: set[frozenset[str]] = set()

    auth_headers: dict[str, str] | None = None

    async def start(self) -> AsyncIterator[Any]:
        """The kind's first requests, after its authentication request when it has one."""
        auth_request = getattr(self.kind, "auth_request", None)
        if auth_request is None:
            for follow in self.kind.first_requests(self.source):
                yield self.to_request(follow)
            return
        follow = auth_request(self.source, self.credentials)
        self.collector.requests += 1
        yield Request(
            follow.url,
            method=follow.method,
            body=follow.body,
            headers=follow.headers,
            callback=self.after_auth,
            errback=self.on_auth_error,
            dont_filter=True,
        )

    def after_auth(self, response: Response) -> Iterable[Request]:
        """Keep the token the kind reads from the answer, then start the real crawl."""
        self.collector.responses[response.status] += 1
        try:
            self.auth_headers = self.kind.auth_headers(response.body)
        except ValueError as exc:
            self.collector.fatal = f"authentication failed: {exc}"
            self.collector.note_error(self.collector.fatal)
            return
        for follow in self.kind.first_requests(self.source):
            yield self.to_request(follow)

    def on_auth_error(self, failure: Failure) -> None:
        """Without a token nothing can be fetched: the run fails, other sources go on."""
        response = getattr(failure.value, "response", None)
        if response is not None:
            self.collector.responses[response.status] += 1
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self.collector.fatal = f"authentication failed: {reason}"
        self.collector.note_error(self.collector.fatal)

    def to_request(self, follow: FollowUp) -> Request:
        """A Scrapy request for a follow-up, conditional when the URL was fetched before."""
        headers = {**(self.auth_headers or {}), **follow.headers}
        memo = self.memos.get(follow.url) if follow.method == "GET" else None
        if memo is not None and memo.raw_payload_id is not None:
            if memo.etag:
                headers["If-None-Match"] = memo.etag
            if memo.last_modified:
                headers["If-Modified-Since"] = memo.last_modified
        self.collector.requests += 1
        return Request(
            follow.url,
            method=follow.method,
            body=follow.body,
            headers=headers,
            callback=self.parse_response,
            errback=self.on_error,
            dont_filter=follow.purpose != "page",
            meta={"purpose": follow.purpose, "offer_id": follow.offer_id, "marker": follow.marker},
        )

    def parse_response(self, response: Response) -> Iterable[Request]:
        """Parse a body with the kind's parser; collect records, follow what it points to."""
        self.collector.responses[response.status] += 1
        payload, body = self._payload(response)
        if body is None:
            return
        try:
            headers = _headers(response)
            if payload.body is None and payload.content_type:
                headers["content-type"] = payload.content_type
            result: ParseResult = parse_body(
                self.source.kind,
                body,
                url=_parse_url(response),
                headers=headers,
                options=self.source.options,
            )
        except NotOfThisKind as exc:
            self._fail(response.meta, f"{response.url}: {exc}")
            return
        if response.meta.get("purpose") == "page" and self._repeats_a_page(result):
            self.collector.cut_short = f"{response.url}: pagination loops (an earlier page again)"
            self.collector.note_error(self.collector.cut_short)
            result.follow = [f for f in result.follow if f.purpose != "page"]
        index = self.collector.add_payload(payload)
        self.collector.item_errors += len(result.errors)
        for message in result.errors:
            self.collector.note_error(f"{response.url}: {message}")
        if result.total is not None and response.meta.get("purpose") != "detail":
            self.collector.advertised_total = max(
                self.collector.advertised_total or 0, result.total
            )
        yield from self._collect(response.meta, result, index)

    def _repeats_a_page(self, result: ParseResult) -> bool:
        """Whether a listing page that points further holds exactly an earlier page's offers.

        A server that keeps answering the same page (or cycles back) would be paged through
        forever: its next pages are not followed and the crawl is not complete.
        """
        ids = frozenset(r.source_offer_id for r in result.records)
        if not ids:
            return False
        if ids in self.listed_pages:
            return any(f.purpose == "page" for f in result.follow)
        self.listed_pages.add(ids)
        return False

    def closed(self, reason: str) -> None:
        """Keep why Scrapy closed the spider: a budget or a shutdown makes the crawl partial.

        (Scrapy calls this bound method itself; a signal handler connected to a temporary
        closure is held weakly and may never run.)
        """
        self.collector.close_reason = reason

    def _collect(self, meta: dict[str, Any], result: ParseResult, index: int) -> Iterable[Request]:
        details = {f.offer_id: f for f in result.follow if f.purpose == "detail" and f.offer_id}
        for record in result.records:
            if meta.get("purpose") == "detail" and meta.get("offer_id"):
                self.collector.detail_arrived(meta["offer_id"], record, index)
            elif meta.get("marker"):
                self.collector.add_record(record, index, meta["marker"])
            elif record.source_offer_id in details:
                marker = listing_marker(record)
                self.collector.add_provisional(record, index, marker)
                known = self.known.get(record.source_offer_id)
                if known is not None and known.marker == marker:
                    self.collector.detail_skipped(record.source_offer_id)
                    details.pop(record.source_offer_id)
            else:
                self.collector.add_record(record, index, listing_marker(record))
        for follow in result.follow:
            wanted = follow.purpose != "detail" or follow.offer_id in details
            if wanted or (not follow.offer_id and not self._unchanged_page(follow)):
                yield self.to_request(follow)

    def _unchanged_page(self, follow: FollowUp) -> bool:
        """A page the listing dates as unchanged since the stored posting: seen, not fetched."""
        known = self.known_by_url.get(follow.url)
        if follow.marker is None or known is None or known[1] != follow.marker:
            return False
        self.collector.detail_skipped(known[0])
        return True

    def _payload(self, response: Response) -> tuple[Payload, bytes | None]:
        now = datetime.now(UTC)
        if response.status == 304:
            memo = self.memos.get(response.url)
            stored_id = memo.raw_payload_id if memo else None
            stored = self.stored_body(stored_id) if stored_id and self.stored_body else None
            if stored is None:
                self._fail(response.meta, f"{response.url}: 304 but no stored body to reuse")
            payload = Payload(
                response.url,
                304,
                now,
                None,
                stored_id=stored_id,
                content_type=stored[1] if stored else None,
                etag=memo.etag if memo else None,
                last_modified=memo.last_modified if memo else None,
            )
            return payload, stored[0] if stored else None
        headers = response.headers
        return Payload(
            response.url,
            response.status,
            now,
            response.body,
            content_type=_header(headers, b"Content-Type"),
            etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified"),
        ), response.body

    def _fail(self, meta: dict[str, Any], message: str) -> None:
        self.collector.failed_requests += 1
        self.collector.note_error(message)
        if meta.get("purpose") == "detail" and meta.get("offer_id"):
            self.collector.detail_failed(meta["offer_id"])

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries): counted, sampled, never fatal."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        if response is not None:
            self.collector.responses[response.status] += 1
            reason = f"HTTP {response.status}"
        else:
            reason = failure.getErrorMessage() or repr(failure.value)
        self._fail(request.meta, f"{request.url}: {reason}")


def _parse_url(response: Response) -> str:
    """The URL the parser reads: the request's, fragment included (Workday keeps its paging
    position there), unless a redirect moved the response elsewhere."""
    requested = response.request.url if response.request is not None else response.url
    return (
        requested if requested.split("#", 1)[0] == response.url.split("#", 1)[0] else response.url
    )


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }
