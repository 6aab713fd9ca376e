"""place search: geographic cells in SQLite's full-text index, place + contract indexes

Two slow portal questions on a national table (``benchmarks/bench_api.py`` at 1,000,000 offers):

- a keyword within a radius ("infirmier" within 30 km of Lyon) on SQLite walked every match of
  the word and looked each offer up to test its distance. ``offers_search`` gets a third column,
  ``search_place``: per offer with coordinates, one token per grid level naming the cell that
  holds it (:data:`aggregator.store.search_text.GEO_CELL_DEGREES`), computed in SQL from
  ``latitude`` / ``longitude`` by the triggers (no application code on the write path). The API
  adds "one of the cells covering the circle" to the FTS5 query, so the word and the place are
  intersected inside the inverted index and only the few offers left are tested for distance.
  The FTS5 content is a view over ``offers`` that computes the column (external content).
  The column has weight 0 in ``bm25``: cells never add to a score; their 7 tokens only count
  in the document length ``bm25`` normalizes by (the same 7 for every offer with coordinates).
- a place and a contract type without keywords ("alternance Bordeaux", sorted by date) walked
  the place's index and looked each offer up to test its contract type, for the page and again
  for the count. ``(status, city | region, country, contract_type, listed_at, offer_id)`` serve
  both as one index range, in date order (both backends).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from aggregator.store.search_text import geo_tokens_sql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_offers_status_city_contract_type": [
        "status", "city", "country", "contract_type", "listed_at", "offer_id",
    ],
    "ix_offers_status_region_contract_type": [
        "status", "region", "country", "contract_type", "listed_at", "offer_id",
    ],
}  # fmt: skip
_TRIGGERS = ("offers_search_ai", "offers_search_ad", "offers_search_au")
_FTS_OPTIONS = "detail='column', tokenize='unicode61 remove_diacritics 2'"


def _drop_fts() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS offers_search")


def _fts(columns: Sequence[str], content: str, values: dict[str, str], watched: str) -> None:
    """``offers_search`` over ``columns`` from ``content``, rebuilt, kept by triggers."""
    cols = ", ".join(columns)
    new = ", ".join(values.get(c, f"{{row}}.{c}") for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE offers_search USING fts5({cols}, content='{content}', "
        f"content_rowid='rowid', {_FTS_OPTIONS})"
    )
    op.execute("INSERT INTO offers_search(offers_search) VALUES ('rebuild')")
    added, removed = new.format(row="new"), new.format(row="old")
    op.execute(
        "CREATE TRIGGER offers_search_ai AFTER INSERT ON offers BEGIN "
        f"INSERT INTO offers_search(rowid, {cols}) VALUES (new.rowid, {added}); END"
    )
    op.execute(
        "CREATE TRIGGER offers_search_ad AFTER DELETE ON offers BEGIN "
        f"INSERT INTO offers_search(offers_search, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {removed}); END"
    )
    op.execute(
        f"CREATE TRIGGER offers_search_au AFTER UPDATE OF {watched} ON offers BEGIN "
        f"INSERT INTO offers_search(offers_search, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {removed}); "
        f"INSERT INTO offers_search(rowid, {cols}) VALUES (new.rowid, {added}); END"
    )


def _sqlite_upgrade() -> None:
    _drop_fts()
    op.execute(
        "CREATE VIEW offers_search_content AS SELECT rowid AS rowid, search_title, search_body, "
        f"{geo_tokens_sql('latitude', 'longitude')} AS search_place FROM offers"
    )
    place = geo_tokens_sql("{row}.latitude", "{row}.longitude")
    _fts(
        ("search_title", "search_body", "search_place"),
        "offers_search_content",
        {"search_place": place},
        "search_title, search_body, latitude, longitude",
    )


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _sqlite_upgrade()
    for name, columns in INDEXES.items():
        op.create_index(name, "offers", columns)
    analyzed = (
        sqlite
        and bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
    )
    if analyzed:
        # a store with statistics must get them for the new indexes too, else SQLite's planner
        # takes an index it knows nothing about for a selective one and probes FTS5 per row
        for name in INDEXES:
            op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="offers")
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_fts()
    op.execute("DROP VIEW IF EXISTS offers_search_content")
    _fts(("search_title", "search_body"), "offers", {}, "search_title, search_body")
