"""An RSS 2.0 or Atom feed (options.path names it: /remote-jobs.rss, /feed.atom...)."""

from __future__ import annotations

from aggregator.catalogue import SourceEntry
from spiders.entry import get
from spiders.parsers.base import FollowUp


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """Where a crawl of this kind starts."""
    return get(source, "/feed.rss")
