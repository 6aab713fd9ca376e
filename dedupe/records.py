"""The record dedupe works on: the comparable fields of one posting, plus its store key."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from aggregator.schema import ContractType, Posting, SalaryPeriod, WorkingTime


@dataclass(frozen=True, slots=True)
class DedupeRecord:
    """One source posting as dedupe sees it; storage-independent and hashable.

    ``key`` is the store's natural key (e.g. ``"source:source_offer_id"``); it names the record
    in clusters and assignments. ``closed_at`` is None while the posting is still published.
    """

    key: str
    source: str
    source_offer_id: str
    url: str
    title: str
    company: str | None = None
    description: str = ""
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    contract_type: ContractType | None = None
    working_time: WorkingTime | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: SalaryPeriod | None = None
    posted_at: datetime | None = None
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        for stamp in (self.posted_at, self.closed_at):
            if stamp is not None and stamp.tzinfo is None:
                raise ValueError("DedupeRecord dates must be timezone-aware")

    @classmethod
    def from_posting(
        cls, posting: Posting, *, key: str, closed_at: datetime | None = None
    ) -> DedupeRecord:
        """Take the fields dedupe compares from a normalized posting."""
        return cls(
            key=key,
            source=posting.source,
            source_offer_id=posting.source_offer_id,
            url=posting.url,
            title=posting.title,
            company=posting.company,
            description=posting.description,
            city=posting.city,
            postal_code=posting.postal_code,
            region=posting.region,
            country=posting.country,
            latitude=posting.latitude,
            longitude=posting.longitude,
            contract_type=posting.contract_type,
            working_time=posting.working_time,
            salary_min=posting.salary_min,
            salary_max=posting.salary_max,
            salary_currency=posting.salary_currency,
            salary_period=posting.salary_period,
            posted_at=posting.posted_at,
            closed_at=closed_at,
        )


def posting_key(posting: Posting) -> str:
    """The default store key of a posting: ``"source:source_offer_id"``."""
    return f"{posting.source}:{posting.source_offer_id}"


def canonical_order(record: DedupeRecord) -> tuple[float, str, str, str]:
    """Sort key that fixes the order records are assigned in: publication date, then ids.

    Undated records go last; ties break on stable identifiers, never on input order.
    """
    stamp = record.posted_at.timestamp() if record.posted_at is not None else math.inf
    return (stamp, record.source, record.source_offer_id, record.key)
