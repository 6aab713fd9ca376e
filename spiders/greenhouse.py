"""Greenhouse job board API: the whole board in one response."""

from __future__ import annotations

from aggregator.catalogue import SourceEntry
from spiders.entry import get
from spiders.parsers.base import FollowUp


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """Where a crawl of this kind starts."""
    return get(source, "/v1/boards/{token}/jobs?content=true")
