"""Lever posting -> posting.

The description is the concatenation Lever shows on its page: ``description``, each of
``lists`` (a heading and its ``<li>`` items) and ``additional``. ``createdAt`` is epoch ms.
Lever has no company name: it comes from the catalogue (``options.company``).
"""

from __future__ import annotations

from typing import Any

from aggregator.schema import Posting
from normalizers.fields.salary import salary_from_structured
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}


def _description(data: dict[str, Any]) -> str | None:
    parts = [text_of(data.get("description")) or text_of(data.get("descriptionPlain"))]
    for entry in data.get("lists") or []:
        heading, items = text_of(dig(entry, "text")), text_of(dig(entry, "content"))
        if items:
            parts.append(f"<h3>{heading}</h3><ul>{items}</ul>" if heading else f"<ul>{items}</ul>")
    parts.append(text_of(data.get("additional")) or text_of(data.get("additionalPlain")))
    joined = "\n".join(part for part in parts if part)
    return joined or None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Lever posting."""
    data = record.data
    salary_range = data.get("salaryRange")
    salary = None
    if isinstance(salary_range, dict):
        salary = salary_from_structured(
            salary_range.get("min"),
            salary_range.get("max"),
            salary_range.get("currency"),
            salary_range.get("interval"),
        )
    commitment = text_of(dig(data, "categories", "commitment"))
    workplace = text_of(data.get("workplaceType"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("hostedUrl")),
        title=text_of(data.get("text")),
        description_html_or_text=_description(data),
        location_text=text_of(dig(data, "categories", "location")),
        country=text_of(data.get("country")),
        contract_texts=[commitment],
        working_time_texts=[commitment],
        remote_flag=workplace if workplace and workplace != "unspecified" else None,
        salary=salary,
        salary_raw=text_of(data.get("salaryDescriptionPlain")),
        posted_at=data.get("createdAt"),
        apply_url=text_of(data.get("applyUrl")),
    )
