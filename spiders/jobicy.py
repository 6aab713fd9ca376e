"""Jobicy API v2 (at most 50 jobs, no paging)."""

from __future__ import annotations

from aggregator.catalogue import SourceEntry
from spiders.entry import get
from spiders.parsers.base import FollowUp


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """Where a crawl of this kind starts."""
    return get(source, "/api/v2/remote-jobs?count=50")
