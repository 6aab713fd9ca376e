"""Generic paginated JSON APIs, described by catalogue ``options`` instead of code.

Defaults read ``{"data": [...], "next": url|null}``. Options (all optional):
- ``items_path``: dotted path of the offer list (``"."`` when the body is the list);
- ``id_field`` / ``url_field`` / ``updated_field``: dotted paths inside one item;
- ``total_path``: dotted path of the advertised total;
- ``next_path``: dotted path of the next-page URL (absolute or relative; null ends);
- ``page_param``: page-number paging instead (``?page=N``, first page ``first_page``);
  stops on an empty page, at ``pages_path`` if given, or on a short page if ``page_size``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import (
    as_int,
    get_path,
    item_error,
    load_json,
    query_int,
    record_id,
    with_query,
)

KIND = "jsonapi"


def _next_by_page(payload: Any, url: str, count: int, opts: Mapping[str, Any]) -> str | None:
    param = str(opts["page_param"])
    first = as_int(opts.get("first_page"))
    page = query_int(url, param, 1 if first is None else first)
    pages = as_int(get_path(payload, opts.get("pages_path")))
    page_size = as_int(opts.get("page_size"))
    if count == 0 or (pages is not None and page >= pages):
        return None
    if page_size is not None and count < page_size:
        return None
    return with_query(url, {param: page + 1})


def _next_by_link(payload: Any, url: str, count: int, opts: Mapping[str, Any]) -> str | None:
    link = get_path(payload, str(opts.get("next_path", "next")))
    if isinstance(link, dict):  # JSON:API style {"href": ...}
        link = link.get("href")
    if not isinstance(link, str) or not link.strip() or count == 0:
        return None
    target = urljoin(url, link.strip())
    return None if target == url else target


def parse(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ParseResult:
    """The items at ``items_path`` with their ids, and the next page by link or number."""
    opts = options or {}
    payload = load_json(body, KIND)
    items_path = str(opts.get("items_path", "data"))
    items = get_path(payload, items_path)
    if not isinstance(items, list):
        raise NotOfThisKind(f"{KIND}: no list at {items_path!r}")
    id_field = str(opts.get("id_field", "id"))
    url_field = str(opts.get("url_field", "url"))
    updated_field = opts.get("updated_field")
    result = ParseResult(total=as_int(get_path(payload, opts.get("total_path"))))
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        offer_id = record_id(get_path(item, id_field))
        if offer_id is None:
            result.errors.append(item_error(KIND, index, f"no {id_field!r}"))
            continue
        link = get_path(item, url_field)
        updated = get_path(item, updated_field) if updated_field else None
        result.records.append(
            RawRecord(
                offer_id,
                item,
                url=urljoin(url, link) if isinstance(link, str) and link.strip() else None,
                updated=None if updated is None else str(updated),
            )
        )
    rule = _next_by_page if opts.get("page_param") else _next_by_link
    next_url = rule(payload, url, len(items), opts)
    if next_url:
        result.follow.append(FollowUp(next_url, purpose="page"))
    return result
