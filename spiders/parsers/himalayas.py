"""Himalayas ``GET /jobs/api?limit=&offset=``: a page of ``jobs`` with the total count.

Paging is by ``offset``: while the page is full and the total is not reached, ask for the
next ``offset + limit``. The id is ``guid`` (a URL); dates are epoch milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import (
    as_int,
    item_error,
    load_json,
    query_int,
    record_id,
    with_query,
)

KIND = "himalayas"
DEFAULT_LIMIT = 20


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The page's jobs and, when more remain, the request for the next offset."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'jobs' list")
    jobs = payload["jobs"]
    total = as_int(payload.get("totalCount", payload.get("total_count")))
    result = ParseResult(total=total)
    for index, item in enumerate(jobs):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(item.get("guid")) or record_id(item.get("id"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no guid"))
            continue
        link = item.get("applicationLink") if isinstance(item.get("applicationLink"), str) else None
        page_url = offer_id if offer_id.startswith(("http://", "https://")) else link
        updated = item.get("pubDate")
        result.records.append(
            RawRecord(
                offer_id, item, url=page_url, updated=None if updated is None else str(updated)
            )
        )
    offset = as_int(payload.get("offset"))
    if offset is None:
        offset = query_int(url, "offset", 0)
    limit = as_int(payload.get("limit")) or query_int(url, "limit", DEFAULT_LIMIT)
    next_offset = offset + len(jobs)
    page_full = len(jobs) >= limit > 0
    if page_full and (total is None or next_offset < total):
        result.follow.append(
            FollowUp(with_query(url, {"limit": limit, "offset": next_offset}), purpose="page")
        )
    return result
