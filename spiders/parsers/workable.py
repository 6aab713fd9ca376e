"""Workable public APIs: the widget ``GET /api/v1/widget/accounts/{slug}?details=true`` and the
careers-page ``POST /api/v3/accounts/{slug}/jobs``.

The widget returns ``{"name", "description", "jobs": [...]}`` with no pagination. The v3
listing returns ``{"total", "results": [...], "nextPage"}`` and pages by POSTing
``{"token": nextPage}`` to the same URL. Jobs are keyed by their ``shortcode``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from spiders.parsers.base import FollowUp, NotOfThisKind, ParseResult, RawRecord
from spiders.parsers.bodyutil import as_int, item_error, load_json, record_id

KIND = "workable"


def _job_id(item: dict[str, Any]) -> str | None:
    """``shortcode`` when present, else the last path segment of the job URL (``/j/{code}``)."""
    found = record_id(item.get("shortcode")) or record_id(item.get("code"))
    if found:
        return found
    for key in ("shortlink", "url", "application_url"):
        link = item.get(key)
        if isinstance(link, str) and link.strip():
            segments = [s for s in urlsplit(link.strip()).path.split("/") if s]
            if segments and segments[-1] != "apply":
                return segments[-1]
            if len(segments) > 1:
                return segments[-2]
    return record_id(item.get("id"))


def _job_url(item: dict[str, Any], url: str, offer_id: str) -> str:
    """The public page: ``url``/``shortlink`` on the widget; built from the account on v3."""
    for key in ("url", "shortlink"):
        link = item.get(key)
        if isinstance(link, str) and link.strip():
            return link.strip()
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    account = segments[segments.index("accounts") + 1] if "accounts" in segments[:-1] else ""
    return f"{parts.scheme}://{parts.netloc}/{account}/j/{offer_id}/"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """Every job of the account (widget) or of one v3 page, plus the next v3 page."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict):
        raise NotOfThisKind(f"{KIND}: expected a JSON object, got {type(payload).__name__}")
    if isinstance(payload.get("jobs"), list):
        items: list[Any] = payload["jobs"]
        total: int | None = len(items)
    elif isinstance(payload.get("results"), list):
        items = payload["results"]
        total = as_int(payload.get("total"))
    else:
        raise NotOfThisKind(f"{KIND}: neither a widget 'jobs' nor a v3 'results' list")
    result = ParseResult(total=total)
    account = payload.get("name") if isinstance(payload.get("name"), str) else None
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.errors.append(item_error(KIND, index, "not an object"))
            continue
        if account and not item.get("company"):
            item = {**item, "company": account}  # the widget names the company once, on top
        offer_id = _job_id(item)
        if offer_id is None:
            result.errors.append(item_error(KIND, index, "no shortcode, id or job URL"))
            continue
        stamp = item.get("published_on") or item.get("published") or item.get("created_at")
        result.records.append(
            RawRecord(
                offer_id,
                item,
                url=_job_url(item, url, offer_id),
                updated=stamp if isinstance(stamp, str) else None,
            )
        )
    token = payload.get("nextPage")
    if isinstance(token, str) and token and items:
        result.follow.append(
            FollowUp(
                url,
                "page",
                method="POST",
                body=json.dumps({"token": token}).encode(),
                headers={"Content-Type": "application/json"},
            )
        )
    return result
