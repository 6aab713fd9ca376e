"""Remotive job -> posting.

Every Remotive job is remote; ``candidate_required_location`` ("Worldwide", "USA Only") is
where candidates may live, kept as the location text. ``salary`` is free text,
``publication_date`` has no zone (read in the source's time zone, UTC by default).
"""

from __future__ import annotations

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import contract_hints, working_time_hints
from normalizers.mappings.common import build_posting, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {"language": "en", "currency": "USD", "timezone": "UTC"}


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Remotive job."""
    data = record.data
    job_type = text_of(data.get("job_type"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("url")),
        title=text_of(data.get("title")),
        company=text_of(data.get("company_name")),
        description_html_or_text=text_of(data.get("description")),
        location_text=text_of(data.get("candidate_required_location")),
        contract_texts=contract_hints(job_type),
        working_time_texts=working_time_hints(job_type),
        remote_flag=True,
        salary_raw=text_of(data.get("salary")),
        posted_at=text_of(data.get("publication_date")),
    )
