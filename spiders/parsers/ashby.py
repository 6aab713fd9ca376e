"""Ashby public posting API: ``GET /posting-api/job-board/{board}?includeCompensation=true``.

One response holds the whole board: ``{"apiVersion": "1", "jobs": [...]}``. Postings with
``isListed: false`` are hidden on the board and are not offers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spiders.parsers.base import NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import item_error, load_json, record_id

KIND = "ashby"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Every listed job of the board."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'jobs' list")
    items: list[Any] = payload["jobs"]
    result = ParseResult()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(item.get("id"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no id"))
            continue
        if item.get("isListed") is False:
            continue
        link = item.get("jobUrl")
        stamp = item.get("updatedAt") or item.get("publishedAt")
        result.records.append(
            RawRecord(
                offer_id,
                item,
                url=link if isinstance(link, str) else None,
                updated=stamp if isinstance(stamp, str) else None,
            )
        )
    result.total = len(result.records)
    return result
