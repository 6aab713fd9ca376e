"""Arbeitnow job -> posting.

``remote: true`` means remote; ``remote: false`` only means "not marked remote", not on-site,
so it is no flag at all. ``job_types`` mixes contract and working time ("Full Time",
"Werkstudent"); ``created_at`` is epoch seconds or a date string. No salary field.
"""

from __future__ import annotations

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import contract_hints, texts, working_time_hints
from normalizers.mappings.common import build_posting, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {
    "country": "DE",
    "language": "de",
    "currency": "EUR",
    "timezone": "Europe/Berlin",
}


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Arbeitnow job."""
    data = record.data
    job_types = texts(data.get("job_types"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("url")),
        title=text_of(data.get("title")),
        company=text_of(data.get("company_name")),
        description_html_or_text=text_of(data.get("description")),
        location_text=text_of(data.get("location")),
        contract_texts=contract_hints(*job_types),
        working_time_texts=working_time_hints(*job_types),
        remote_flag=True if data.get("remote") is True else None,
        posted_at=data.get("created_at"),
    )
