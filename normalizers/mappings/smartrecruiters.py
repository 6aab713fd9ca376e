"""SmartRecruiters posting (listing or detail) -> posting.

The ad text is in the detail's ``jobAd.sections`` (companyDescription, jobDescription,
qualifications, additionalInformation), joined with their titles as headings. Listing
records have no text; the detail record of the same id replaces them.
"""

from __future__ import annotations

import html
from typing import Any

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, obj, text_of
from spiders.parsers.base import RawRecord
from spiders.parsers.smartrecruiters import public_url

CONTEXT_DEFAULTS: dict[str, str] = {}
_SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


def _description(data: dict[str, Any]) -> str | None:
    parts: list[str] = []
    for name in _SECTIONS:
        body = text_of(dig(data, "jobAd", "sections", name, "text"))
        if not body:
            continue
        heading = text_of(dig(data, "jobAd", "sections", name, "title"))
        parts.append(f"<h3>{html.escape(heading)}</h3>\n{body}" if heading else body)
    return "\n".join(parts) or None


def _remote_flag(location: Any) -> str | None:
    if dig(location, "remote") is True:
        return "remote"
    if dig(location, "hybrid") is True:
        return "hybrid"
    return None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one SmartRecruiters posting."""
    data = record.data
    location = obj(data.get("location"))
    employment = text_of(dig(data, "typeOfEmployment", "label"))
    country = text_of(location.get("country"))
    language = text_of(dig(data, "language", "code"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or public_url(data),
        title=text_of(data.get("name")),
        company=text_of(dig(data, "company", "name")),
        description_html_or_text=_description(data),
        location_text=text_of(location.get("fullLocation")),
        city=text_of(location.get("city")),
        postal_code=text_of(location.get("postalCode")),
        region=text_of(location.get("region")),
        country=country.upper() if country else None,
        latitude=location.get("latitude"),
        longitude=location.get("longitude"),
        contract_texts=[employment],
        working_time_texts=[employment],
        remote_flag=_remote_flag(location),
        salary_from_description=True,
        posted_at=text_of(data.get("releasedDate")),
        apply_url=text_of(data.get("applyUrl")),
        language=language.split("-")[0].lower() if language else None,
    )
