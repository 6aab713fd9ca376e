"""Jobicy job -> posting.

Every Jobicy job is remote; ``jobGeo`` is where candidates may live. Salary bounds are
annual, written as strings, with ``salaryCurrency``; ``pubDate`` has no zone.
"""

from __future__ import annotations

from aggregator.schema import Posting
from normalizers.fields.salary import salary_from_structured
from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import contract_hints, texts, working_time_hints
from normalizers.mappings.common import build_posting, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {"language": "en", "currency": "USD", "timezone": "UTC"}


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Jobicy job."""
    data = record.data
    salary = None
    low, high = data.get("annualSalaryMin"), data.get("annualSalaryMax")
    if low not in (None, "") or high not in (None, ""):
        currency = text_of(data.get("salaryCurrency")) or ctx.currency
        salary = salary_from_structured(low, high, currency, "year")
    job_type = texts(data.get("jobType"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("url")),
        title=text_of(data.get("jobTitle")),
        company=text_of(data.get("companyName")),
        description_html_or_text=text_of(data.get("jobDescription"))
        or text_of(data.get("jobExcerpt")),
        location_text=text_of(data.get("jobGeo")),
        contract_texts=contract_hints(*job_type),
        working_time_texts=working_time_hints(*job_type),
        remote_flag=True,
        salary=salary,
        posted_at=text_of(data.get("pubDate")),
    )
