"""The tables the API reads: the store's models, plus SQLite's FTS5 index ``offers_search``
(migration 0003) and the facet counters ``offer_facet_counts`` kept by triggers (0007), which
have no model of their own.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

from aggregator.store.models import CrawlRun, OfferPosting, OfferRow, PostingRow, Source, table_of

metadata = MetaData()

offers = table_of(OfferRow)

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

postings = table_of(PostingRow)
offer_postings = table_of(OfferPosting)
sources = table_of(Source)
crawl_runs = table_of(CrawlRun)
