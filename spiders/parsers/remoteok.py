"""RemoteOK ``GET /api``: a JSON array whose first element is the legal notice, then the jobs.

No pagination: the whole board comes in one response.
"""

from __future__ import annotations

from collections.abc import Mapping

from spiders.parsers.base import NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import item_error, load_json, record_id

KIND = "remoteok"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Every job of the array; the legal notice (no ``id``, a ``legal`` key) is skipped."""
    payload = load_json(body, KIND)
    if not isinstance(payload, list):
        raise NotOfThisKind(f"{KIND}: expected a JSON array, got {type(payload).__name__}")
    result = ParseResult()
    for index, item in enumerate(payload):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        if "legal" in item and "id" not in item:
            continue
        offer_id = record_id(item.get("id"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no id"))
            continue
        updated = item.get("date") if isinstance(item.get("date"), str) else None
        link = item.get("url") if isinstance(item.get("url"), str) else None
        result.records.append(RawRecord(offer_id, item, url=link, updated=updated))
    result.total = len(result.records)
    return result
