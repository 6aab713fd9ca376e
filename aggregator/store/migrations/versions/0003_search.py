"""search columns and indexes for the portal API

Adds to ``offers`` the columns :mod:`aggregator.store.search_index` maintains (annualized salary,
listing date, SQLite's stemmed words) and the indexes the API's queries use:

- SQLite: FTS5 table ``offers_search`` over the stemmed ``search_title`` / ``search_body``
  (external content, kept in step by triggers), replacing 0001's unstemmed ``offers_fts``;
- PostgreSQL: ``unaccent``, immutable wrappers, a generated ``search_vector`` (language's
  Snowball configuration, weights A title / B company, city, region / D description) with a GIN
  index, replacing 0001's ``simple`` index; a GiST index on ``point(longitude, latitude)`` for the
  radius filter (core PostgreSQL, no PostGIS);
- both: keyset-pagination indexes (status, listed_at | salary_year_max, offer_id), a
  (latitude, longitude) B-tree on SQLite, ``lower(company)``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aggregator.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = ("search_title", "search_body")
OLD_FTS_COLUMNS = ("title", "company", "description", "city")

PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS
    $$ SELECT regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, value)),
                             '[^[:alnum:]]+', ' ', 'g') $$""",
    """CREATE OR REPLACE FUNCTION search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT CASE WHEN language IS NULL OR language = 'fr' THEN 'pg_catalog.french'
                   WHEN language = 'en' THEN 'pg_catalog.english'
                   WHEN language = 'de' THEN 'pg_catalog.german'
                   ELSE 'pg_catalog.simple' END::regconfig $$""",
)
PG_VECTOR = """
    setweight(to_tsvector(search_config(language), coalesce(search_fold(title), '')), 'A')
    || setweight(to_tsvector(search_config(language), coalesce(search_fold(
        coalesce(company, '') || ' ' || coalesce(city, '') || ' ' || coalesce(region, '')), '')),
        'B')
    || setweight(to_tsvector(search_config(language), coalesce(search_fold(description), '')),
                 'D')
"""


def _add_columns() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("salary_year_min", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("salary_year_max", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("listed_at", aggregator.store.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("search_title", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("search_body", sa.Text(), nullable=True))


def _common_indexes() -> None:
    op.create_index("ix_offers_status_listed_at", "offers", ["status", "listed_at", "offer_id"])
    op.create_index(
        "ix_offers_status_salary_year_max", "offers", ["status", "salary_year_max", "offer_id"]
    )
    op.create_index("ix_offers_company_lower", "offers", [sa.text("lower(company)")])
    op.create_index("ix_offers_city", "offers", ["city"])
    op.create_index("ix_offers_region", "offers", ["region"])


def upgrade() -> None:
    from aggregator.store.search_index import backfill

    bind = op.get_bind()
    _add_columns()
    backfill(bind, only_missing=False)
    _common_indexes()
    if bind.dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def _sqlite_upgrade() -> None:
    for trigger in ("offers_fts_ai", "offers_fts_ad", "offers_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS offers_fts")
    cols = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE offers_search USING fts5({cols}, content='offers', "
        "content_rowid='rowid', detail='column', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO offers_search(offers_search) VALUES ('rebuild')")
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
        f"CREATE TRIGGER offers_search_au AFTER UPDATE OF {cols} ON offers BEGIN "
        f"INSERT INTO offers_search(offers_search, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO offers_search(rowid, {cols}) VALUES (new.rowid, {new}); END"
    )
    op.create_index("ix_offers_latitude_longitude", "offers", ["latitude", "longitude"])


def _postgres_upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_offers_fulltext")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    for statement in PG_FUNCTIONS:
        op.execute(statement)
    op.execute(
        f"ALTER TABLE offers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR}) "
        "STORED"
    )
    op.execute("CREATE INDEX ix_offers_search_vector ON offers USING gin (search_vector)")
    op.execute(
        "CREATE INDEX ix_offers_geo ON offers USING gist (point(longitude, latitude)) "
        "WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.drop_index("ix_offers_latitude_longitude", table_name="offers")
        for trigger in ("offers_search_ai", "offers_search_ad", "offers_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS offers_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_offers_geo")
        op.execute("DROP INDEX IF EXISTS ix_offers_search_vector")
        op.execute("ALTER TABLE offers DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP FUNCTION IF EXISTS search_config(text)")
        op.execute("DROP FUNCTION IF EXISTS search_fold(text)")
    for name in (
        "ix_offers_region",
        "ix_offers_city",
        "ix_offers_company_lower",
        "ix_offers_status_salary_year_max",
        "ix_offers_status_listed_at",
    ):
        op.drop_index(name, table_name="offers")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        for column in ("search_body", "search_title", "listed_at", "salary_year_max"):
            batch_op.drop_column(column)
        batch_op.drop_column("salary_year_min")
    _restore_old_full_text_index(bind.dialect.name)


def _restore_old_full_text_index(dialect: str) -> None:
    """0001's unstemmed index, as it was."""
    cols = ", ".join(OLD_FTS_COLUMNS)
    if dialect != "sqlite":
        document = " || ' ' || ".join(f"coalesce({c}, '')" for c in OLD_FTS_COLUMNS)
        op.execute(
            f"CREATE INDEX ix_offers_fulltext ON offers USING gin "
            f"(to_tsvector('simple', {document}))"
        )
        return
    new = ", ".join(f"new.{c}" for c in OLD_FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in OLD_FTS_COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE offers_fts USING fts5({cols}, content='offers', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO offers_fts(offers_fts) VALUES ('rebuild')")
    op.execute(
        "CREATE TRIGGER offers_fts_ai AFTER INSERT ON offers BEGIN "
        f"INSERT INTO offers_fts(rowid, {cols}) VALUES (new.rowid, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER offers_fts_ad AFTER DELETE ON offers BEGIN "
        f"INSERT INTO offers_fts(offers_fts, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER offers_fts_au AFTER UPDATE OF {cols} ON offers BEGIN "
        f"INSERT INTO offers_fts(offers_fts, rowid, {cols}) "
        f"VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO offers_fts(rowid, {cols}) VALUES (new.rowid, {new}); END"
    )
