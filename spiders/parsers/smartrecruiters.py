"""SmartRecruiters Posting API: ``GET /v1/companies/{company}/postings?limit=&offset=``.

A listing is ``{offset, limit, totalFound, content: [...]}``; its postings lack the ad text,
so each one also gets a detail follow-up (its ``ref``), whose body is one posting with
``jobAd.sections``. The listing's records are still returned: a failed detail request then
leaves a thinner posting rather than none; the detail record replaces it (same id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import (
    as_int,
    item_error,
    load_json,
    query_int,
    record_id,
    with_query,
)

KIND = "smartrecruiters"
DEFAULT_LIMIT = 100


def public_url(item: dict[str, Any]) -> str | None:
    """The job page: ``postingUrl``/``jobAdUrl`` when given, else ``jobs.smartrecruiters.com``."""
    for key in ("postingUrl", "jobAdUrl", "applyUrl"):
        link = item.get(key)
        if isinstance(link, str) and link.startswith("http"):
            return link
    company = item.get("company")
    identifier = company.get("identifier") if isinstance(company, dict) else None
    offer_id = record_id(item.get("id"))
    if isinstance(identifier, str) and offer_id:
        return f"https://jobs.smartrecruiters.com/{identifier}/{offer_id}"
    return None


def _detail_url(item: dict[str, Any], url: str, offer_id: str) -> str:
    ref = item.get("ref")
    if isinstance(ref, str) and ref.startswith("http"):
        return ref
    base = url.split("?", 1)[0].rstrip("/")
    return f"{base}/{offer_id}"


def _record(item: dict[str, Any], offer_id: str) -> RawRecord:
    stamp = item.get("releasedDate")
    return RawRecord(
        offer_id, item, url=public_url(item), updated=stamp if isinstance(stamp, str) else None
    )


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Postings of a listing page (with detail and next-page follow-ups), or one detail."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict):
        raise NotOfThisKind(f"{KIND}: expected a JSON object, got {type(payload).__name__}")
    if not isinstance(payload.get("content"), list):
        offer_id = record_id(payload.get("id"))
        if offer_id and "name" in payload:
            return ParseResult(records=[_record(payload, offer_id)], total=1)
        raise NotOfThisKind(f"{KIND}: no 'content' list and not a posting")
    items: list[Any] = payload["content"]
    total = as_int(payload.get("totalFound"))
    result = ParseResult(total=total)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(item.get("id"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no id"))
            continue
        result.records.append(_record(item, offer_id))
        result.follow.append(
            FollowUp(_detail_url(item, url, offer_id), "detail", offer_id=offer_id)
        )
    offset = as_int(payload.get("offset"))
    offset = query_int(url, "offset", 0) if offset is None else offset
    limit = as_int(payload.get("limit")) or query_int(url, "limit", 0) or DEFAULT_LIMIT
    following = offset + limit
    more = following < total if total is not None else len(items) >= limit
    if items and more:
        result.follow.append(
            FollowUp(with_query(url, {"offset": following, "limit": limit}), "page")
        )
    return result
