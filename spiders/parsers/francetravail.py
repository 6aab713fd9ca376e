"""France Travail Offres d'emploi v2: ``GET .../offresdemploi/v2/offres/search?range=p-d&...``.

A search answers ``{"resultats": [...], "filtresPossibles": [...]}`` with the header
``Content-Range: offres p-d/total`` (206 partial, 200 complete, 204 empty body: no offers).
A range holds at most 150 offers and the API refuses ``p > 3000``, so one query reaches at
most 3,150 offers. When the first page of a query announces more than that, the follow-ups
split the query instead of paging it: by ``departement`` (101 codes) first, then, for a
département (or commune) still over the cap, by halving a ``minCreationDate`` /
``maxCreationDate`` window until each part fits. Windows share their boundary second (an
offer created exactly then comes twice, which the upsert absorbs; none is lost). Offers
with no département (whole-country or abroad locations) are not reached by the split.

The token request is the spider's job; ``GET /offres/{id}`` (one offer) parses too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import item_error, load_json, record_id, with_query

KIND = "francetravail"
PAGE_SIZE = 150
MAX_START = 3000
MAX_END = 3149
CAP = MAX_END + 1
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MIN_WINDOW = timedelta(minutes=1)
_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)")
_CONTENT_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)\s*/\s*(\d+)")
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _total(headers: Mapping[str, str] | None) -> int | None:
    """The total of ``Content-Range: offres 0-149/353``."""
    match = _CONTENT_RANGE.search(_header(headers, "Content-Range") or "")
    return int(match.group(3)) if match else None


def _now(headers: Mapping[str, str] | None) -> datetime:
    """The server's clock (``Date`` header) so follow-ups are a function of the response."""
    stamp = _header(headers, "Date")
    if stamp:
        try:
            return parsedate_to_datetime(stamp).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_DATE_FORMAT)


def _read_stamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _split(url: str, query: dict[str, str], headers: Mapping[str, str] | None) -> list[FollowUp]:
    """Follow-ups that cover the same query in two creation-date halves, each split again
    while it is over the cap. Date windows, unlike a split by département, also reach offers
    that have no département (whole country, abroad)."""
    first = f"0-{PAGE_SIZE - 1}"
    low = _read_stamp(query.get("minCreationDate")) or EARLIEST
    high = _read_stamp(query.get("maxCreationDate")) or _now(headers)
    if high - low <= MIN_WINDOW:
        return []
    middle = low + (high - low) / 2
    return [
        FollowUp(
            with_query(
                url, {"minCreationDate": _stamp(a), "maxCreationDate": _stamp(b), "range": first}
            ),
            "query",  # a narrower query, not a next page: its first page repeats the parent's
        )
        for a, b in ((low, middle), (middle, high))
    ]


def _records(items: list[Any], result: ParseResult) -> None:
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(item.get("id"))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no id"))
            continue
        origin = item.get("origineOffre")
        link = origin.get("urlOrigine") if isinstance(origin, dict) else None
        stamp = item.get("dateActualisation") or item.get("dateCreation")
        result.records.append(
            RawRecord(
                offer_id,
                item,
                url=link if isinstance(link, str) else None,
                updated=stamp if isinstance(stamp, str) else None,
            )
        )


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The offers of one range, and the next range or the split of an over-cap query."""
    if not body.strip():
        return ParseResult(total=0)  # 204 No Content: the query has no offers
    payload = load_json(body, KIND)
    if not isinstance(payload, dict):
        raise NotOfThisKind(f"{KIND}: expected a JSON object, got {type(payload).__name__}")
    if not isinstance(payload.get("resultats"), list):
        if record_id(payload.get("id")) and "intitule" in payload:
            result = ParseResult(total=1)
            _records([payload], result)
            return result
        raise NotOfThisKind(f"{KIND}: no 'resultats' list and not an offer")
    items: list[Any] = payload["resultats"]
    total = _total(headers)
    result = ParseResult(total=total)
    _records(items, result)
    query = dict(parse_qsl(urlsplit(url).query))
    match = _RANGE.fullmatch(query.get("range", "").strip())
    start, end = (int(match.group(1)), int(match.group(2))) if match else (0, PAGE_SIZE - 1)
    size = max(1, min(PAGE_SIZE, end - start + 1))
    if total is not None and total > CAP and start == 0:
        parts = _split(url, query, headers)
        if parts:
            result.follow.extend(parts)
            return result
        result.errors.append(
            f"{KIND}: {total} offers in a window too small to split; only {CAP} reachable"
        )
    following = end + 1
    more = following < total if total is not None else len(items) >= size
    if items and more and following <= MAX_START:
        last = min(following + size - 1, MAX_END)
        if total is not None:
            last = min(last, total - 1)
        result.follow.append(FollowUp(with_query(url, {"range": f"{following}-{last}"}), "page"))
    return result
