"""Personio XML position -> posting.

The text is the ``jobDescriptions`` sections (a name and an HTML value each); ``office`` is
the location, ``subcompany`` the employer when set (else the catalogue's company name).
``employmentType`` (permanent|intern|trainee|freelance|temporary) and ``schedule``
(full-time|part-time) are structured. Feeds are German unless ``?language=`` says otherwise.
"""

from __future__ import annotations

import html
from typing import Any

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {
    "country": "DE",
    "language": "de",
    "timezone": "Europe/Berlin",
    "currency": "EUR",
}


def _description(data: dict[str, Any]) -> str | None:
    parts: list[str] = []
    for section in data.get("jobDescriptions") or []:
        name, value = text_of(dig(section, "name")), text_of(dig(section, "value"))
        if value:
            parts.append(f"<h3>{html.escape(name)}</h3>\n{value}" if name else value)
    return "\n".join(parts) or None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Personio position."""
    data = record.data
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url,
        title=text_of(data.get("name")),
        company=text_of(data.get("subcompany")),
        description_html_or_text=_description(data),
        location_text=text_of(data.get("office")),
        contract_texts=[text_of(data.get("employmentType"))],
        working_time_texts=[text_of(data.get("schedule"))],
        remote_from_description=True,
        salary_from_description=True,
        posted_at=text_of(data.get("createdAt")),
    )
