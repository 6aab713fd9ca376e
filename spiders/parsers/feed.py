"""RSS 2.0 / Atom feeds (We Work Remotely, partner feeds) read with feedparser.

feedparser is given the response **bytes** so it sniffs the encoding itself; a
``CharacterEncodingOverride`` bozo (declared us-ascii, really utf-8) is only a warning.
Entries become plain JSON-ready dicts (feedparser's ``*_parsed`` time tuples are dropped:
the original date strings stay). Atom ``<link rel="next">`` (RFC 5005 paging) is followed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

import feedparser

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import item_error, record_id

KIND = "feed"
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride,)


def _plain(value: Any) -> Any:
    """feedparser's dict subclasses and lists as plain JSON-ready values."""
    if isinstance(value, dict):
        return {
            str(key): _plain(item)
            for key, item in value.items()
            if not str(key).endswith("_parsed")
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _next_page(feed: Mapping[str, Any], url: str) -> str | None:
    for link in feed.get("links", []) or []:
        if link.get("rel") == "next" and link.get("href"):
            return urljoin(url, str(link["href"]))
    return None


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Every entry with its guid (else link) as id; a non-feed body raises NotOfThisKind."""
    if not body.strip():
        raise NotOfThisKind(f"{KIND}: empty body")
    parsed = feedparser.parse(body, response_headers=dict(headers or {}))
    problem = parsed.get("bozo_exception")
    if not parsed.get("version") and not parsed.entries:
        detail = f" ({problem})" if problem else ""
        raise NotOfThisKind(f"{KIND}: not an RSS or Atom feed{detail}")
    result = ParseResult()
    if parsed.get("bozo") and problem is not None and not isinstance(problem, _HARMLESS_BOZO):
        result.errors.append(f"{KIND}: feed is malformed, entries may be missing ({problem})")
    for index, entry in enumerate(parsed.entries):
        data = _plain(entry)
        link = record_id(data.get("link"))
        offer_id = record_id(data.get("id")) or link
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no guid and no link"))
            continue
        page = urljoin(url, link) if link else None
        updated = data.get("updated") or data.get("published")
        result.records.append(
            RawRecord(
                offer_id, data, url=page, updated=updated if isinstance(updated, str) else None
            )
        )
    next_url = _next_page(parsed.feed, url)
    if next_url and next_url != url and parsed.entries:
        result.follow.append(FollowUp(next_url, purpose="page"))
    return result
