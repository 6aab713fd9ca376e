"""Workday job (listing item or detail) -> posting.

A listing item has only ``title``, ``locationsText`` and a relative ``postedOn`` ("Posted 3
Days Ago", read against ``ctx.now``); the detail's ``jobPostingInfo`` adds the HTML text,
``timeType``, ``startDate`` (the posting date, preferred) and ``country``. A
``locationsText`` like "2 Locations" is a count, not a place.
"""

from __future__ import annotations

import re

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, obj, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}
# "2 Locations": a count of places, not a place ("18000 Bourges" is a place).
_COUNT = re.compile(r"^\d{1,3}\s+(?:locations?|emplacements?|lieux|standorte|sites?)$", re.I)


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Workday listing item or detail response."""
    data = record.data
    info = obj(data.get("jobPostingInfo")) or data
    location = text_of(info.get("location")) or text_of(info.get("locationsText"))
    if location and _COUNT.match(location):
        location = None
    time_type = text_of(info.get("timeType"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(info.get("externalUrl")),
        title=text_of(info.get("title")),
        company=text_of(dig(data, "hiringOrganization", "name")),
        description_html_or_text=text_of(info.get("jobDescription")),
        location_text=location,
        country=text_of(dig(info, "country", "descriptor")),
        contract_texts=[text_of(info.get("workerSubType")), time_type],
        working_time_texts=[time_type],
        remote_texts=[text_of(info.get("remoteType"))],
        remote_from_description=True,
        salary_from_description=True,
        posted_at=text_of(info.get("startDate")) or text_of(info.get("postedOn")),
        valid_through=text_of(info.get("endDate")),
    )
