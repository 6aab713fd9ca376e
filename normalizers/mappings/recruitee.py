"""Recruitee offer -> posting.

``description`` and ``requirements`` are both HTML and shown one after the other. The
``remote``/``hybrid``/``on_site`` booleans give the workplace; ``employment_type_code``
("fulltime_permanent", "parttime_fixed_term", "internship"...) gives contract and hours.
"""

from __future__ import annotations

from typing import Any

from aggregator.schema import Posting
from normalizers.fields.salary import salary_from_structured
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}


def _remote_flag(data: dict[str, Any]) -> str | None:
    if data.get("hybrid") is True:
        return "hybrid"
    if data.get("remote") is True:
        return "remote"
    if data.get("on_site") is True:
        return "on-site"
    return None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Recruitee offer."""
    data = record.data
    code = text_of(data.get("employment_type_code"))
    spelled = (
        code.replace("_", " ").replace("fulltime", "full-time").replace("parttime", "part-time")
        if code
        else None
    )
    salary_data = data.get("salary")
    salary = None
    if isinstance(salary_data, dict):
        salary = salary_from_structured(
            salary_data.get("min"),
            salary_data.get("max"),
            salary_data.get("currency"),
            salary_data.get("period"),
        )
    body = "\n".join(
        part
        for part in (text_of(data.get("description")), text_of(data.get("requirements")))
        if part
    )
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("careers_url")),
        title=text_of(data.get("title")),
        company=text_of(data.get("company_name")),
        description_html_or_text=body or None,
        location_text=text_of(data.get("location")),
        city=text_of(data.get("city")),
        postal_code=text_of(data.get("postal_code")),
        region=text_of(data.get("state_name")) or text_of(data.get("state_code")),
        country=text_of(data.get("country_code")) or text_of(data.get("country")),
        contract_texts=[spelled],
        working_time_texts=[spelled],
        remote_flag=_remote_flag(data),
        salary=salary,
        posted_at=text_of(data.get("published_at")) or text_of(data.get("created_at")),
        valid_through=text_of(dig(data, "close_at")),
        apply_url=text_of(data.get("careers_apply_url")),
    )
