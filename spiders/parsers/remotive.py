"""Remotive ``GET /api/remote-jobs``: ``{"0-legal-notice", "job-count", "jobs": [...]}``.

No pagination: the API returns every active job at once (24 h delayed).
"""

from __future__ import annotations

from collections.abc import Mapping

from spiders.parsers.base import NotOfThisKind, ParseResult
from spiders.parsers.bodyutil import as_int, collect_records, load_json

KIND = "remotive"


def parse(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParseResult:
    """The jobs of the envelope, with ``job-count`` as the advertised total."""
    payload = load_json(body, KIND)
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
        raise NotOfThisKind(f"{KIND}: expected an object with a 'jobs' list")
    result = ParseResult(total=as_int(payload.get("job-count")))
    collect_records(
        KIND, payload["jobs"], result, url_key="url", updated_keys=("publication_date",)
    )
    return result
