"""An Indeed-style XML partner feed."""

from __future__ import annotations

from aggregator.catalogue import SourceEntry
from spiders.entry import get
from spiders.parsers.base import FollowUp


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """Where a crawl of this kind starts."""
    return get(source, "/jobs.xml")
