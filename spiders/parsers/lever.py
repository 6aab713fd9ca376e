"""Lever Postings API: ``GET /v0/postings/{site}?mode=json[&skip=N&limit=M]``.

The body is a JSON array of postings (or, with ``group=``, of ``{title, postings}`` groups).
Pagination is ``skip``/``limit``: a full page means there may be more, so follow with
``skip + limit``. ``{"ok": false, "error": ...}`` (unknown site) is not a postings response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult
from spiders.parsers.bodyutil import (
    collect_records,
    load_json,
    query_int,
    with_query,
)

KIND = "lever"


def _flatten(payload: list[Any]) -> list[Any]:
    """Grouped responses (``group=team``) nest postings one level down."""
    items: list[Any] = []
    for entry in payload:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("postings"), list)
            and "id" not in entry
        ):
            items.extend(entry["postings"])
        else:
            items.append(entry)
    return items


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The postings of one page and, when the page is full, the next page."""
    payload = load_json(body, KIND)
    if isinstance(payload, dict):
        if payload.get("ok") is False or "error" in payload:
            raise NotOfThisKind(f"{KIND}: error response: {payload.get('error')}")
        if "id" in payload and "text" in payload:
            payload = [payload]  # one posting: GET /v0/postings/{site}/{id}
        else:
            raise NotOfThisKind(f"{KIND}: expected a JSON array of postings")
    if not isinstance(payload, list):
        raise NotOfThisKind(f"{KIND}: expected a JSON array, got {type(payload).__name__}")
    items = _flatten(payload)
    result = ParseResult()
    collect_records(
        KIND, items, result, url_key="hostedUrl", updated_keys=("updatedAt", "createdAt")
    )
    limit = query_int(url, "limit", 0)
    skip = query_int(url, "skip", 0)
    if limit > 0 and len(items) >= limit:
        result.follow.append(FollowUp(with_query(url, {"skip": skip + limit}), "page"))
    else:
        result.total = skip + len(items)  # the last page tells the board size
    return result
