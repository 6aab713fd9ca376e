"""search speed: facet counts kept at write time, composite indexes for common filters

The portal's landing page asks for facet counts over every offer; counting a national table on
each request costs a full scan. ``offer_facet_counts`` holds, per status, facet and value, how
many offers have it, kept by triggers on ``offers`` in the same transaction as the write (read
by :mod:`aggregator.api.summary`):

- SQLite (one writer at a time): row triggers upsert ``(status, facet, value)`` counters;
- PostgreSQL (concurrent writers): statement triggers append one aggregated delta row per
  changed counter (no counter row is ever updated, so writers never wait on each other), and
  now and then fold the deltas into one row per counter under a non-blocking advisory lock.
  Readers sum the rows of a counter.

Facets: ``contract_type``, ``working_time``, ``remote``, ``region``, ``source`` (the offer's
own source) and ``salary_k`` (the annualized upper amount in whole thousands, from which the API
sums its salary bands). An unknown value is stored as ``''``.

Indexes: (status, contract_type | city | region, listed_at, offer_id) for the common filters
sorted by date, replacing the single-column city and region indexes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_offers_status_contract_type_listed_at": [
        "status",
        "contract_type",
        "listed_at",
        "offer_id",
    ],
    "ix_offers_status_city_listed_at": ["status", "city", "listed_at", "offer_id"],
    "ix_offers_status_region_listed_at": ["status", "region", "listed_at", "offer_id"],
}
FACET_COLUMNS = ("contract_type", "working_time", "remote", "region", "source")
COUNTED = ("status", *FACET_COLUMNS, "salary_year_max")
_FOLD_CHANCE = 0.02


def _values(row: str, dialect: str) -> list[tuple[str, str]]:
    """(facet name, SQL of its value) for the row alias ``row``."""
    pairs = [(name, f"coalesce({row}.{name}, '')") for name in FACET_COLUMNS]
    salary = (
        f"coalesce(CAST(CAST({row}.salary_year_max / 1000 AS INTEGER) AS TEXT), '')"
        if dialect == "sqlite"
        else f"coalesce(floor({row}.salary_year_max / 1000)::bigint::text, '')"
    )
    return [*pairs, ("salary_k", salary)]


def _sqlite_rows(row: str, sign: int) -> str:
    values = ", ".join(
        f"({row}.status, '{name}', {value}, {sign})" for name, value in _values(row, "sqlite")
    )
    return (
        f"INSERT INTO offer_facet_counts(status, facet, value, n) VALUES {values} "
        "ON CONFLICT(status, facet, value) DO UPDATE SET n = n + excluded.n;"
    )


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE TABLE offer_facet_counts (status VARCHAR(8) NOT NULL, facet VARCHAR(16) NOT NULL,"
        " value TEXT NOT NULL, n INTEGER NOT NULL,"
        " CONSTRAINT pk_offer_facet_counts PRIMARY KEY (status, facet, value)) WITHOUT ROWID"
    )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COUNTED)
    op.execute(
        f"CREATE TRIGGER offer_facets_ai AFTER INSERT ON offers BEGIN {_sqlite_rows('new', 1)} END"
    )
    op.execute(
        f"CREATE TRIGGER offer_facets_ad AFTER DELETE ON offers BEGIN {_sqlite_rows('old', -1)} END"
    )
    op.execute(
        f"CREATE TRIGGER offer_facets_au AFTER UPDATE OF {', '.join(COUNTED)} ON offers "
        f"WHEN {changed} BEGIN {_sqlite_rows('old', -1)} {_sqlite_rows('new', 1)} END"
    )


def _lateral(table: str, sign: int) -> str:
    values = ", ".join(f"('{name}', {value})" for name, value in _values("r", "postgresql"))
    return (
        f"SELECT r.status, f.facet, f.value, {sign} AS d FROM {table} AS r "
        f"CROSS JOIN LATERAL (VALUES {values}) AS f(facet, value)"
    )


def _postgres_upgrade() -> None:
    op.execute(
        "CREATE TABLE offer_facet_counts (id BIGSERIAL CONSTRAINT pk_offer_facet_counts "
        "PRIMARY KEY, status VARCHAR(8) NOT NULL, facet VARCHAR(16) NOT NULL, value TEXT NOT NULL,"
        " n BIGINT NOT NULL)"
    )
    op.execute("CREATE INDEX ix_offer_facet_counts_status ON offer_facet_counts (status)")
    insert = "INSERT INTO offer_facet_counts(status, facet, value, n) SELECT status, facet, value"
    op.execute(f"""
CREATE OR REPLACE FUNCTION offer_facets_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {insert}, sum(d) FROM ({_lateral("new_rows", 1)}) AS c GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    {insert}, sum(d) FROM ({_lateral("old_rows", -1)}) AS c GROUP BY 1, 2, 3;
  ELSE
    {insert}, sum(d) FROM ({_lateral("new_rows", 1)} UNION ALL {_lateral("old_rows", -1)}) AS c
      GROUP BY 1, 2, 3 HAVING sum(d) <> 0;
  END IF;
  IF random() < {_FOLD_CHANCE} AND pg_try_advisory_xact_lock(hashtext('offer_facet_counts')) THEN
    WITH folded AS (DELETE FROM offer_facet_counts RETURNING status, facet, value, n)
    {insert}, sum(n) FROM folded GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END $$""")
    op.execute(
        "CREATE TRIGGER offer_facets_ai AFTER INSERT ON offers REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION offer_facets_count()"
    )
    op.execute(
        "CREATE TRIGGER offer_facets_ad AFTER DELETE ON offers REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION offer_facets_count()"
    )
    op.execute(
        "CREATE TRIGGER offer_facets_au AFTER UPDATE ON offers "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION offer_facets_count()"
    )


def _backfill(dialect: str) -> None:
    parts = " UNION ALL ".join(
        f"SELECT o.status, '{name}' AS facet, {value} AS value FROM offers AS o"
        for name, value in _values("o", dialect)
    )
    op.execute(
        "INSERT INTO offer_facet_counts(status, facet, value, n) "
        f"SELECT status, facet, value, count(*) FROM ({parts}) AS c GROUP BY status, facet, value"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()
    _backfill(dialect)
    for name, columns in INDEXES.items():
        op.create_index(name, "offers", columns)
    op.drop_index("ix_offers_city", table_name="offers")
    op.drop_index("ix_offers_region", table_name="offers")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_index("ix_offers_region", "offers", ["region"])
    op.create_index("ix_offers_city", "offers", ["city"])
    for name in INDEXES:
        op.drop_index(name, table_name="offers")
    for trigger in ("offer_facets_ai", "offer_facets_ad", "offer_facets_au"):
        op.execute(
            f"DROP TRIGGER IF EXISTS {trigger}"
            if dialect == "sqlite"
            else f"DROP TRIGGER IF EXISTS {trigger} ON offers"
        )
    if dialect != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS offer_facets_count()")
    op.execute("DROP TABLE IF EXISTS offer_facet_counts")
