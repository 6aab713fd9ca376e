"""What one source's crawl gathered, kept in memory until the later stages store it.

Scrapy fills a :class:`CrawlCollector` from its callbacks (on the reactor thread); once the
crawl process is done, the storing stage reads it. Listing records whose detail page is
pending are provisional: the detail record replaces them, or, when the detail is skipped
because the listing says nothing changed, the posting is only marked as seen.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from spiders.parsers.base import RawRecord

MAX_ERROR_SAMPLES = 10


@dataclass(slots=True)
class Payload:
    """A response body to keep as a raw payload (or a reference to one kept earlier)."""

    url: str
    status: int
    fetched_at: datetime
    body: bytes | None  # None for a 304 answered from a stored payload
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    stored_id: int | None = None  # raw_payloads.id when the body was already stored


@dataclass(slots=True)
class Collected:
    """One offer's record with the payload it came from and its listing change marker."""

    record: RawRecord
    payload: int  # index into CrawlCollector.payloads
    marker: str | None


@dataclass
class CrawlCollector:
    """Everything a source's crawl produced, plus how complete it was."""

    source: str
    payloads: list[Payload] = field(default_factory=list)
    records: dict[str, Collected] = field(default_factory=dict)
    pending_details: dict[str, Collected] = field(default_factory=dict)
    seen_unchanged: set[str] = field(default_factory=set)
    responses: Counter[int] = field(default_factory=Counter)
    requests: int = 0
    failed_requests: int = 0
    item_errors: int = 0
    advertised_total: int | None = None
    fatal: str | None = None  # what stopped the crawl, if anything did
    close_reason: str | None = None
    cut_short: str | None = None  # why the spider stopped following pages (a pagination loop)
    error_samples: list[str] = field(default_factory=list)

    def note_error(self, message: str) -> None:
        """Keep a bounded sample of error messages for the run record."""
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(message[:500])

    def add_payload(self, payload: Payload) -> int:
        self.payloads.append(payload)
        return len(self.payloads) - 1

    def add_record(self, record: RawRecord, payload: int, marker: str | None) -> None:
        """A complete record (from a listing without detail pages, or from a detail page)."""
        self.records[record.source_offer_id] = Collected(record, payload, marker)
        self.pending_details.pop(record.source_offer_id, None)

    def add_provisional(self, record: RawRecord, payload: int, marker: str | None) -> None:
        """A listing record whose detail page will be fetched (or skipped as unchanged)."""
        self.pending_details[record.source_offer_id] = Collected(record, payload, marker)

    def detail_arrived(self, offer_id: str, record: RawRecord, payload: int) -> None:
        """The detail record replaces the listing record, keeping the listing's marker."""
        pending = self.pending_details.pop(offer_id, None)
        marker = pending.marker if pending else None
        self.records[record.source_offer_id] = Collected(record, payload, marker)

    def detail_skipped(self, offer_id: str) -> None:
        """The listing says the offer did not change: it is seen, nothing to re-read."""
        self.pending_details.pop(offer_id, None)
        self.seen_unchanged.add(offer_id)

    def detail_failed(self, offer_id: str) -> None:
        """The detail page could not be fetched: the offer is seen but not re-read."""
        self.pending_details.pop(offer_id, None)
        self.seen_unchanged.add(offer_id)

    @property
    def complete(self) -> bool:
        """True when every request succeeded and nothing cut the crawl short."""
        return (
            self.fatal is None
            and self.failed_requests == 0
            and self.cut_short is None
            and self.close_reason in (None, "finished")
            and not self.pending_details
        )

    @property
    def seen_ids(self) -> set[str]:
        """Every offer id the source listed in this crawl."""
        return set(self.records) | self.seen_unchanged | set(self.pending_details)
