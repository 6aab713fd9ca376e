"""Jobicy ``GET /api/v2/remote-jobs?count=``: an envelope with ``jobCount`` and ``jobs``.

No pagination (``count`` caps the list at 50).
"""

from __future__ import annotations

from collections.abc import Mapping

from spiders.parsers.base import NotOfThisKind, ParseResult
from spiders.parsers.bodyutil import as_int, collect_records, load_json

KIND = "jobicy"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The jobs of the envelope; ``jobCount`` is the advertised total."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'jobs' list")
    result = ParseResult(total=as_int(payload.get("jobCount")))
    collect_records(KIND, payload["jobs"], result, url_key="url", updated_keys=("pubDate",))
    return result
