"""Adzuna search API: pages numbered from 1, credentials as query parameters."""

from __future__ import annotations

from aggregator.catalogue import SourceEntry, resolve_credentials
from spiders.entry import entry_url
from spiders.parsers.base import FollowUp
from spiders.parsers.bodyutil import with_query


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """Page 1 of the search for the source's country (``options.country``, else its country)."""
    country = str(source.options.get("country") or (source.country or "gb")).lower()
    credentials = resolve_credentials(source)
    url = entry_url(source, "/v1/api/jobs/{country}/search/1", country=country)
    params = {
        "app_id": credentials["app_id"],
        "app_key": credentials["app_key"],
        "results_per_page": source.options.get("results_per_page", 50),
        "content-type": "application/json",
    }
    return [FollowUp(with_query(url, params), "page")]
