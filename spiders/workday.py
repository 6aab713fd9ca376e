"""Workday CXS endpoint: a POSTed JSON search, paged by offset, with a detail page per job."""

from __future__ import annotations

import orjson

from aggregator.catalogue import SourceEntry
from spiders.entry import entry_url
from spiders.parsers.base import FollowUp

PAGE_SIZE = 20  # Workday often rejects larger pages


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """The first search page (``options.site`` names the career site, default ``External``)."""
    url = entry_url(source, "/wday/cxs/{token}/{site}/jobs", site="External")
    body = orjson.dumps({"appliedFacets": {}, "limit": PAGE_SIZE, "offset": 0, "searchText": ""})
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    return [FollowUp(url, "page", method="POST", body=body, headers=headers)]
