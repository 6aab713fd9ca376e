"""The tables the API reads, with the search columns of migration 0003.

``offers`` is the store model's table plus the columns :mod:`aggregator.store.search_index`
maintains, declared here so the API does not depend on the model having caught up with the
migration.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, MetaData, Table, Text

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

postings: Table = PostingRow.__table__  # type: ignore[assignment]
offer_postings: Table = OfferPosting.__table__  # type: ignore[assignment]
sources: Table = Source.__table__  # type: ignore[assignment]
crawl_runs: Table = CrawlRun.__table__  # type: ignore[assignment]
