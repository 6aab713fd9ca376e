"""Greenhouse Job Board API: ``GET /v1/boards/{token}/jobs?content=true`` and ``/jobs/{id}``.

No pagination: the whole board is one response with ``meta.total``. A detail response is
one job object. ``{"error": ...}`` (unknown id or board) is not a board response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spiders.parsers.base import NotOfThisKind, ParseResult
from spiders.parsers.bodyutil import as_int, collect_records, load_json

KIND = "greenhouse"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The jobs of a board listing, or the one job of a detail response."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict):
        raise NotOfThisKind(f"{KIND}: expected a JSON object, got {type(payload).__name__}")
    if isinstance(payload.get("jobs"), list):
        items: list[Any] = payload["jobs"]
        meta = payload.get("meta")
        total = as_int(meta.get("total")) if isinstance(meta, dict) else None
    elif "id" in payload and "title" in payload:
        items, total = [payload], 1
    elif "error" in payload:
        raise NotOfThisKind(f"{KIND}: error response: {payload['error']}")
    else:
        raise NotOfThisKind(f"{KIND}: no 'jobs' list in the object")
    result = ParseResult(total=total)
    collect_records(KIND, items, result, url_key="absolute_url", updated_keys=("updated_at",))
    if result.total is None:
        result.total = len(result.records)
    return result
