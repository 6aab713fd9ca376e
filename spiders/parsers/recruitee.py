"""Recruitee careers API: ``GET https://{company}.recruitee.com/api/offers/`` and ``.../{slug}``.

The listing is ``{"offers": [...]}`` (no pagination); a detail is ``{"offer": {...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spiders.parsers.base import NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import item_error, load_json, record_id

KIND = "recruitee"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Every published offer of the careers site (or the one offer of a detail response)."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict):
        raise NotOfThisKind(f"{KIND}: expected a JSON object, got {type(payload).__name__}")
    if isinstance(payload.get("offers"), list):
        items: list[Any] = payload["offers"]
    elif isinstance(payload.get("offer"), dict):
        items = [payload["offer"]]
    else:
        raise NotOfThisKind(f"{KIND}: no 'offers' list or 'offer' object")
    result = ParseResult()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(item.get("id")) or record_id(item.get("slug"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no id"))
            continue
        if item.get("status") not in (None, "published"):
            continue  # drafts and closed offers are not offers
        link = item.get("careers_url")
        stamp = item.get("updated_at") or item.get("published_at") or item.get("created_at")
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
