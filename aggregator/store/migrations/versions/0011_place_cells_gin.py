"""place cells, listing days and filter tags in PostgreSQL's full-text index

A keyword within a radius ("infirmier" within 30 km of Lyon) on PostgreSQL built two bitmaps
of every offer, one per index (the word's 45,000 matches from the GIN index, the 63,000 offers
of the box from the GiST one), and intersected them: about 17 ms of the server's CPU before a
row was read, on a million offers (``benchmarks/bench_api.py``). As SQLite does with FTS5
(migration 0008), the word and the place are now intersected inside one inverted index: the
GIN index ``ix_offers_search`` holds, beside ``search_vector``, the offer's grid cells
(``search_cells(latitude, longitude)``: one per level of
:data:`aggregator.store.search_text.GEO_CELL_DEGREES`, named as SQLite's tokens), and the API
asks for "the words, and one of the cells covering the circle", then tests the exact distance
on the few offers left. It replaces ``ix_offers_search_vector``: a multicolumn GIN index serves a
condition on its first column alone as well.

The index also holds each offer's listing day (``search_days(listed_at)``, days since
1970-01-01 UTC) and its filter tags (``search_tags(contract_type, working_time, remote,
salary_year_max)``, SQLite's tags of migration 0009, for offers of any status), so a relevance
window (the most recent matches) is first looked for among the last days' matches that hold
the filters' tags, all intersected in the index, instead of walking the ``listed_at`` index and
reading every offer row down to the 500th match (:mod:`aggregator.api.recent`). The functions
are immutable and inlinable (not strict).

SQLite: nothing (its cells and tags are FTS5 tokens since 0008 and 0009).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from aggregator.store.search_text import filter_tags_pg_function, geo_cells_pg_function

# not strict, so the planner inlines it where it tests rows (a walk of the listed_at index)
LISTING_DAYS = """CREATE OR REPLACE FUNCTION search_days(at timestamptz) RETURNS integer[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT ARRAY[floor(extract(epoch FROM at - '1970-01-01 00:00:00+00'::timestamptz)
                          / 86400)::integer] $$"""

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(geo_cells_pg_function())
    op.execute(LISTING_DAYS)
    op.execute(filter_tags_pg_function())
    op.execute("SET LOCAL maintenance_work_mem = '512MB'")  # one pass over a large table
    op.execute(
        "CREATE INDEX ix_offers_search ON offers USING gin "
        "(search_vector, search_cells(latitude, longitude), search_days(listed_at), "
        "search_tags(contract_type, working_time, remote, salary_year_max))"
    )
    op.execute("DROP INDEX IF EXISTS ix_offers_search_vector")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_offers_search_vector ON offers USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_offers_search")
    op.execute("DROP FUNCTION IF EXISTS search_cells(double precision, double precision)")
    op.execute("DROP FUNCTION IF EXISTS search_days(timestamptz)")
    op.execute("DROP FUNCTION IF EXISTS search_tags(text, text, text, double precision)")
