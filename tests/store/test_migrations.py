"""The store is created at the newest schema, and an outdated one is upgraded on request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from aggregator.cli import main
from aggregator.store import migrate
from aggregator.store.database import open_for_upgrade


def test_empty_store_is_created_at_head(db_url: str, capsys: Any) -> None:
    assert main(["--db", db_url, "db", "info"]) == 0
    out = capsys.readouterr().out
    assert f"schema:  {migrate.head_revision()}" in out
    store = open_for_upgrade(db_url)
    tables = set(inspect(store.engine).get_table_names())
    store.close()
    assert {
        "sources",
        "crawl_runs",
        "raw_payloads",
        "postings",
        "offers",
        "offer_postings",
    } <= tables


def test_outdated_store_is_refused_until_upgraded(db_url: str, capsys: Any) -> None:
    assert main(["--db", db_url, "db", "upgrade"]) == 0
    store = open_for_upgrade(db_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    store.close()
    assert main(["--db", db_url, "db", "info"]) == 2
    assert "run 'aggregator db upgrade'" in capsys.readouterr().err
    store = open_for_upgrade(db_url)
    with store.engine.begin() as conn:
        conn.execute(text(f"UPDATE alembic_version SET version_num = '{migrate.head_revision()}'"))
    store.close()
    assert main(["--db", db_url, "db", "upgrade"]) == 0
    assert "already at schema" in capsys.readouterr().out
