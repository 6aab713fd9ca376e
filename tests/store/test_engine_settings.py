"""Store connections on PostgreSQL plan each execution for its own parameter values."""

from __future__ import annotations

from sqlalchemy import text

from aggregator.devtools.pgserver import PostgresServer
from aggregator.store.database import open_store


def test_postgres_store_sessions_never_keep_a_generic_plan(pg_server: PostgresServer) -> None:
    """psycopg prepares repeated statements; a generic plan made while a table was small kept
    walking every current history row for each chunk of offers (slower as the store grew)."""
    store = open_store(pg_server.create_database("engine_settings"))
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
    finally:
        store.close()
