"""Ashby public posting API: ``GET /posting-api/job-board/{board}?includeCompensation=true``.

One response holds the whole board: ``{"apiVersion": "1", "jobs": [...]}``. Postings with
``isListed: false`` are hidden on the board and are not offers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spiders.parsers.base import NotOfThisKind, ParseResult
from spiders.parsers.bodyutil import collect_records, load_json

KIND = "ashby"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Every listed job of the board."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'jobs' list")
    items: list[Any] = payload["jobs"]
    result = ParseResult()
    collect_records(
        KIND,
        items,
        result,
        url_key="jobUrl",
        updated_keys=("updatedAt", "publishedAt"),
        keep=lambda item: item.get("isListed") is not False,
    )
    result.total = len(result.records)
    return result
