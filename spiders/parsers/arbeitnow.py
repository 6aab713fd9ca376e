"""Arbeitnow ``GET /api/job-board-api?page=N``: Laravel pagination (``data``, ``links``, ``meta``).

The next page is ``links.next`` (null on the last page); the id is the job ``slug``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import as_int, item_error, load_json, record_id

KIND = "arbeitnow"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The page's jobs and the ``links.next`` page if there is one."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'data' list")
    meta = payload.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    result = ParseResult(total=as_int(meta.get("total")))
    for index, item in enumerate(payload["data"]):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(item.get("slug"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no slug"))
            continue
        link = item.get("url") if isinstance(item.get("url"), str) else None
        created = item.get("created_at")
        result.records.append(
            RawRecord(offer_id, item, url=link, updated=None if created is None else str(created))
        )
    links = payload.get("links")
    links = links if isinstance(links, dict) else {}
    next_url = links.get("next")
    if isinstance(next_url, str) and next_url.strip() and payload["data"]:
        result.follow.append(FollowUp(urljoin(url, next_url.strip()), purpose="page"))
    return result
