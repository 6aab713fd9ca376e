"""search tags: the portal's keyword filters inside SQLite's full-text index

A keyword search with filters on SQLite ("commercial", permanent contract, at least 40 k€ a
year) walked the word's matches newest first and looked each offer row up to test its contract
and salary, then again to count them: about 6,600 row lookups for one page at 1,000,000 offers
(``benchmarks/bench_api.py``). ``offers_search`` gets a fourth column, ``search_tags``: per open
offer one token per filter value (contract type, working time, remote) and the cumulative salary
thresholds its annualized upper amount reaches (:func:`aggregator.store.search_text.
filter_tags_sql`), computed in SQL by the triggers and the content view like 0008's cells. The
API adds the filters it can express as tags to the FTS5 query, so FTS5 intersects them with the
words. 0008's cells are now indexed for open offers only, like the tags: a match on a cell or a
tag is an open offer, so neither the window nor a count reads offer rows to test the status.

The update trigger now also fires on the status and the tagged columns. PostgreSQL is
unchanged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from aggregator.store.search_text import filter_tags_sql, geo_tokens_sql, open_only_sql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = ("offers_search_ai", "offers_search_ad", "offers_search_au")
_FTS_OPTIONS = "detail='column', tokenize='unicode61 remove_diacritics 2'"
_PLACE_COLUMNS = "search_title, search_body, latitude, longitude"
_TAGGED_COLUMNS = "status, contract_type, working_time, remote, salary_year_max"


def _drop_fts() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS offers_search")
    op.execute("DROP VIEW IF EXISTS offers_search_content")


def _fts(values: dict[str, str], watched: str) -> None:
    """``offers_search`` over ``values`` (column -> SQL of ``{row}``), its content view,
    rebuilt, and the triggers that keep it."""
    cols = ", ".join(values)
    view = ", ".join(f"{sql.format(row='offers')} AS {col}" for col, sql in values.items())
    op.execute(f"CREATE VIEW offers_search_content AS SELECT rowid AS rowid, {view} FROM offers")
    op.execute(
        f"CREATE VIRTUAL TABLE offers_search USING fts5({cols}, "
        f"content='offers_search_content', content_rowid='rowid', {_FTS_OPTIONS})"
    )
    op.execute("INSERT INTO offers_search(offers_search) VALUES ('rebuild')")
    new = ", ".join(sql.format(row="new") for sql in values.values())
    old = ", ".join(sql.format(row="old") for sql in values.values())
    op.execute(
        "CREATE TRIGGER offers_search_ai AFTER INSERT ON offers BEGIN "
        f"INSERT INTO offers_search(rowid, {cols}) VALUES (new.rowid, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER offers_search_ad AFTER DELETE ON offers BEGIN "
        f"INSERT INTO offers_search(offers_search, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER offers_search_au AFTER UPDATE OF {watched} ON offers BEGIN "
        f"INSERT INTO offers_search(offers_search, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO offers_search(rowid, {cols}) VALUES (new.rowid, {new}); END"
    )


def _columns(tags: bool) -> dict[str, str]:
    """0009's columns (cells and tags of open offers), or 0008's (cells of every offer)."""
    cells = geo_tokens_sql("{row}.latitude", "{row}.longitude")
    columns = {
        "search_title": "{row}.search_title",
        "search_body": "{row}.search_body",
        "search_place": open_only_sql("{row}", cells) if tags else cells,
    }
    if tags:
        columns["search_tags"] = filter_tags_sql("{row}")
    return columns


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_fts()
    _fts(_columns(tags=True), f"{_PLACE_COLUMNS}, {_TAGGED_COLUMNS}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_fts()
    _fts(_columns(tags=False), _PLACE_COLUMNS)
