"""Where a crawl starts: a kind's real path appended to the source's base URL.

A catalogue entry's ``path`` overrides the kind's default path (``{token}`` and the other
``{option}`` placeholders are filled from the entry); ``options.query`` adds query parameters.
"""

from __future__ import annotations

from aggregator.catalogue import SourceEntry
from spiders.parsers.base import FollowUp
from spiders.parsers.bodyutil import with_query


def entry_url(source: SourceEntry, default_path: str, **defaults: str) -> str:
    """The first URL of a source's crawl."""
    values = {**defaults, **{k: str(v) for k, v in source.options.items()}}
    values["token"] = source.token or ""
    path = (source.path or default_path).format(**values)
    url = source.base_url.rstrip("/") + path
    extra = source.options.get("query")
    return with_query(url, extra) if isinstance(extra, dict) and extra else url


def get(source: SourceEntry, default_path: str, **defaults: str) -> list[FollowUp]:
    """A single GET first request (the shape of most kinds)."""
    return [FollowUp(entry_url(source, default_path, **defaults), "page")]
