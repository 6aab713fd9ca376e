"""The tables the API reads, with the search columns of migration 0003 and 0007's counters.

``offers`` is the store model's table plus the columns :mod:`aggregator.store.search_index`
maintains, declared here so the API does not depend on the model having caught up with the
migration. ``offers_search`` is SQLite's FTS5 index (0003) and ``offer_facet_counts`` the facet
counters kept by triggers (0007); neither has a model of its own.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, MetaData, String, Table, Text

from aggregator.store.models import CrawlRun, OfferPosting, OfferRow, PostingRow, Source
from aggregator.store.types import UtcDateTime

metadata = MetaData()

offers: Table = OfferRow.__table__.to_metadata(metadata)  # type: ignore[attr-defined]
for _column in (
    Column("salary_year_min", Float),
    Column("salary_year_max", Float),
    Column("listed_at", UtcDateTime()),
    Column("search_title", Text),
    Column("search_body", Text),
):
    if _column.name not in offers.c:
        offers.append_column(_column)

offers_search = Table(
    "offers_search",
    metadata,
    Column("rowid", Integer),
    Column("search_title", Text),
    Column("search_body", Text),
)
facet_counts = Table(
    "offer_facet_counts",
    metadata,
    Column("status", String(8)),
    Column("facet", String(16)),
    Column("value", Text),
    Column("n", BigInteger),
)

postings: Table = PostingRow.__table__  # type: ignore[assignment]
offer_postings: Table = OfferPosting.__table__  # type: ignore[assignment]
sources: Table = Source.__table__  # type: ignore[assignment]
crawl_runs: Table = CrawlRun.__table__  # type: ignore[assignment]
