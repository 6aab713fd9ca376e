"""Himalayas job -> posting.

Every Himalayas job is remote; ``locationRestrictions`` lists the countries candidates may
live in. Salaries are annual in ``currency`` (null = unknown); ``pubDate`` and ``expiryDate``
are epoch milliseconds; ``guid`` is the job page URL.
"""

from __future__ import annotations

from aggregator.schema import Posting
from normalizers.fields.salary import salary_from_structured
from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import contract_hints, joined, working_time_hints
from normalizers.mappings.common import build_posting, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {"language": "en", "currency": "USD", "timezone": "UTC"}


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Himalayas job."""
    data = record.data
    salary = None
    if data.get("minSalary") is not None or data.get("maxSalary") is not None:
        currency = text_of(data.get("currency")) or ctx.currency
        salary = salary_from_structured(
            data.get("minSalary"), data.get("maxSalary"), currency, "year"
        )
    employment = text_of(data.get("employmentType"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("guid")),
        title=text_of(data.get("title")),
        company=text_of(data.get("companyName")),
        description_html_or_text=text_of(data.get("description")) or text_of(data.get("excerpt")),
        location_text=joined(data.get("locationRestrictions")),
        contract_texts=contract_hints(employment),
        working_time_texts=working_time_hints(employment),
        remote_flag=True,
        salary=salary,
        posted_at=data.get("pubDate"),
        valid_through=data.get("expiryDate"),
        apply_url=text_of(data.get("applicationLink")),
    )
