"""Arbeitnow job board API, Laravel-style pages."""

from __future__ import annotations

from aggregator.catalogue import SourceEntry
from spiders.entry import get
from spiders.parsers.base import FollowUp


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """Where a crawl of this kind starts."""
    return get(source, "/api/job-board-api?page=1")
