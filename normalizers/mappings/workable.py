"""Workable job (widget or v3 listing) -> posting.

Widget jobs carry ``employment_type``, ``telecommuting`` (true means remote; false only
means "not remote-only"), ``city``/``state``/``country`` and ``locations``; v3 jobs carry
``type``, ``workplace`` (on_site|hybrid|remote) and a ``location`` object.
"""

from __future__ import annotations

from typing import Any

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}


def _place(data: dict[str, Any]) -> dict[str, Any]:
    for candidate in (dig(data, "locations", 0), data.get("location"), data):
        if isinstance(candidate, dict) and (candidate.get("city") or candidate.get("country")):
            return candidate
    return {}


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Workable job."""
    data = record.data
    place = _place(data)
    city, region = text_of(place.get("city")), text_of(place.get("region") or place.get("state"))
    country = text_of(place.get("countryCode")) or text_of(place.get("country"))
    location_text = ", ".join(p for p in (city, region, text_of(place.get("country"))) if p)
    workplace = text_of(data.get("workplace"))
    flag: str | None = workplace.replace("_", "-") if workplace else None
    if flag is None and (data.get("telecommuting") is True or data.get("remote") is True):
        flag = "remote"
    kind = text_of(data.get("employment_type")) or text_of(data.get("type"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("url")),
        title=text_of(data.get("title")),
        company=text_of(data.get("company")),
        description_html_or_text=text_of(data.get("full_description"))
        or text_of(data.get("description")),
        location_text=location_text or None,
        city=city,
        region=region,
        country=country,
        contract_texts=[kind],
        working_time_texts=[kind],
        remote_flag=flag,
        salary_from_description=True,
        posted_at=text_of(data.get("published_on"))
        or text_of(data.get("published"))
        or text_of(data.get("created_at")),
        apply_url=text_of(data.get("application_url")),
    )
