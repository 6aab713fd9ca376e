"""Jobicy ``GET /api/v2/remote-jobs?count=``: an envelope with ``jobCount`` and ``jobs``.

No pagination (``count`` caps the list at 50).
"""

from __future__ import annotations

from collections.abc import Mapping

from spiders.parsers.base import NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import as_int, item_error, load_json, record_id

KIND = "jobicy"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The jobs of the envelope; ``jobCount`` is the advertised total."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'jobs' list")
    result = ParseResult(total=as_int(payload.get("jobCount")))
    for index, item in enumerate(payload["jobs"]):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(item.get("id"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no id"))
            continue
        link = item.get("url") if isinstance(item.get("url"), str) else None
        updated = item.get("pubDate")
        result.records.append(
            RawRecord(
                offer_id, item, url=link, updated=updated if isinstance(updated, str) else None
            )
        )
    return result
