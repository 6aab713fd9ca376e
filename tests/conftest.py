"""Shared fixtures: a real store on SQLite and on PostgreSQL (a throwaway local server)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.devtools.pgserver import PostgresServer, find_bindir, start_postgres
from aggregator.store.database import Store, open_store

_database_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, or a visible skip where its binaries are absent."""
    if find_bindir() is None:
        pytest.skip("PostgreSQL binaries not found: apt-get install postgresql (CI installs it)")
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database, on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"test_{next(_database_names)}")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An opened, migrated store on each backend in turn."""
    opened = open_store(db_url)
    yield opened
    opened.close()
