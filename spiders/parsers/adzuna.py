"""Adzuna search API: ``GET /v1/api/jobs/{country}/search/{page}?results_per_page=N&...``.

``{"results": [...], "count": N, "mean": ..., "__CLASS__": ...}``. Pages start at 1 and are
the last path segment; the next page is followed while ``page * per_page < count``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult
from spiders.parsers.bodyutil import (
    as_int,
    collect_records,
    load_json,
    query_int,
)

KIND = "adzuna"
DEFAULT_PER_PAGE = 10
_PAGE = re.compile(r"/search/(\d+)/?$")


def country_of(url: str) -> str | None:
    """The ISO country of the search (``/jobs/fr/search/1`` -> ``FR``), Adzuna's ``gb`` as GB."""
    match = re.search(r"/jobs/([a-z]{2})/", urlsplit(url).path)
    return match.group(1).upper() if match else None


def _next_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    path = _PAGE.sub(f"/search/{page + 1}", parts.path)
    return urlunsplit(parts._replace(path=path))


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The jobs of one search page and the next page while the count is not reached."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'results' list")
    items: list[Any] = payload["results"]
    total = as_int(payload.get("count"))
    result = ParseResult(total=total)
    collect_records(KIND, items, result, url_key="redirect_url", updated_keys=("created",))
    match = _PAGE.search(urlsplit(url).path)
    if match and items:
        page = int(match.group(1))
        per_page = query_int(url, "results_per_page", DEFAULT_PER_PAGE)
        more = page * per_page < total if total is not None else len(items) >= per_page
        if more:
            result.follow.append(FollowUp(_next_page(url, page), "page"))
    return result
