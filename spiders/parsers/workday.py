"""Workday career sites (CXS, undocumented): ``POST https://{host}/wday/cxs/{tenant}/{site}/jobs``.

The listing is ``{"total", "jobPostings": [{title, externalPath, locationsText, postedOn,
bulletFields}]}`` with a relative ``postedOn`` ("Posted 3 Days Ago"); the full text comes
from a detail ``GET {cxs base}{externalPath}`` answering ``{"jobPostingInfo": {...},
"hiringOrganization": {...}}``. Listing records are returned too (a failed detail leaves a
thinner posting); both carry the ``externalPath`` as id, so the detail replaces the listing.

Paging is by ``offset`` in the POSTed JSON body, which a parser never sees: follow-up URLs
therefore carry ``#offset=N&limit=M`` in the fragment (never sent to the server) so the next
page knows where it is. Later pages may report ``total: 0`` (a Workday quirk): then a full
page means "maybe more".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import as_int, item_error, load_json

KIND = "workday"
DEFAULT_LIMIT = 20
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def _cxs_base(url: str) -> tuple[str, str]:
    """(``https://host/wday/cxs/{tenant}/{site}``, public ``https://host/{site}``) of a CXS URL."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    at = next((i for i in range(len(segments) - 1) if segments[i : i + 2] == ["wday", "cxs"]), -1)
    if at < 0 or len(segments) < at + 4:
        raise NotOfThisKind(f"{KIND}: {url} is not a /wday/cxs/{{tenant}}/{{site}}/ URL")
    root = "/".join([f"{parts.scheme}://{parts.netloc}", *segments[:at]])  # a proxy prefix
    tenant, site = segments[at + 2], segments[at + 3]
    return f"{root}/wday/cxs/{tenant}/{site}", f"{root}/{site}"


def _paging(url: str) -> tuple[int, int]:
    state = dict(parse_qsl(urlsplit(url).fragment))
    offset = as_int(state.get("offset")) or 0
    limit = as_int(state.get("limit")) or DEFAULT_LIMIT
    return offset, limit


def _page_request(url: str, offset: int, limit: int) -> FollowUp:
    bare = urlunsplit(urlsplit(url)._replace(fragment=""))
    payload = {"appliedFacets": {}, "limit": limit, "offset": offset, "searchText": ""}
    return FollowUp(
        f"{bare}#offset={offset}&limit={limit}",
        "page",
        method="POST",
        body=json.dumps(payload).encode(),
        headers=dict(JSON_HEADERS),
    )


def _detail(payload: dict[str, Any], url: str) -> ParseResult:
    info = payload["jobPostingInfo"]
    if not isinstance(info, dict):
        raise NotOfThisKind(f"{KIND}: 'jobPostingInfo' is not an object")
    path = urlsplit(url).path
    external = info.get("externalUrl")
    if "/job/" in path:
        offer_id = path[path.index("/job/") :]
    elif isinstance(external, str) and "/job/" in external:
        offer_id = urlsplit(external).path[urlsplit(external).path.index("/job/") :]
    else:
        offer_id = str(info.get("jobReqId") or info.get("id") or "")
    if not offer_id:
        return ParseResult(errors=[item_error(KIND, 0, "detail without a job path or id")])
    public = external if isinstance(external, str) else None
    if public is None and offer_id.startswith("/job/"):
        public = _cxs_base(url)[1] + offer_id
    return ParseResult(records=[RawRecord(offer_id, payload, url=public)], total=1)


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """A listing page (records, detail and next-page follow-ups) or one detail response."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict):
        raise NotOfThisKind(f"{KIND}: expected a JSON object, got {type(payload).__name__}")
    if "jobPostingInfo" in payload:
        return _detail(payload, url)
    if not isinstance(payload.get("jobPostings"), list):
        raise NotOfThisKind(f"{KIND}: no 'jobPostings' list and no 'jobPostingInfo'")
    api_base, public_base = _cxs_base(url)
    items: list[Any] = payload["jobPostings"]
    offset, limit = _paging(url)
    total = as_int(payload.get("total")) or None
    result = ParseResult(total=total)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        path = item.get("externalPath")
        if not isinstance(path, str) or not path.startswith("/"):
            result.errors.append(item_error(KIND, index, "no externalPath"))
            continue
        result.records.append(RawRecord(path, item, url=public_base + path))
        result.follow.append(FollowUp(api_base + path, "detail", offer_id=path))
    following = offset + len(items)
    more = following < total if total else len(items) >= limit
    if items and more:
        result.follow.append(_page_request(url, following, limit))
    return result
