"""The API's own engine: read-only at the connection level, bounded statements.

The portal must never be a way into the data, whatever a bug in a query builder does: SQLite
files are opened with ``mode=ro`` (and ``query_only``), PostgreSQL sessions start with
``default_transaction_read_only`` and a ``statement_timeout``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import QueuePool

from aggregator.config import database_url
from aggregator.errors import DatabaseUnavailable, UserError
from aggregator.store import migrate
from aggregator.store.engine import PG_SESSION_OPTIONS

STATEMENT_TIMEOUT_MS = 5000
POOL_SIZE = 8
# The API answers many short requests at once, and capacity is CPU per request: a parallel
# worker is a process the server starts for the one statement (milliseconds of CPU, more than
# a search costs), and a plan costed above ``jit_above_cost`` (a bitmap count of a common word)
# compiled about 8 ms of JIT code to save less. Both only pay off for long statements.
API_PLANNER_OPTIONS = "-c max_parallel_workers_per_gather=0 -c jit=off"


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=2147418112")  # SQLite's default ceiling (2 GB)
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_engine(path: str) -> Engine:
    file = Path(path).expanduser().resolve()
    if not file.exists():
        raise DatabaseUnavailable(f"no store at {file}: create it with 'aggregator db upgrade'")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            f"{file.as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=5.0
        )

    engine = create_engine(
        "sqlite://",
        creator=connect,
        poolclass=QueuePool,
        pool_size=POOL_SIZE,
        max_overflow=POOL_SIZE,
        pool_use_lifo=True,
    )
    event.listen(engine, "connect", _sqlite_read_only)
    return engine


def read_only_engine(url: str | None = None) -> Engine:
    """An engine on the store at ``url`` that cannot write (resolved like every command)."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"invalid database URL {resolved!r}: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise UserError("the API needs a SQLite file, not an in-memory database")
        return _sqlite_engine(parsed.database)
    if backend != "postgresql":
        raise DatabaseUnavailable(f"unsupported database {backend!r}")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # custom plans, as every store session (a generic plan would not see which words are
    # common: GIN bitmap vs a walk of the listed_at index); no parallel workers and no JIT
    # (API_PLANNER_OPTIONS)
    options = (
        f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT_MS} "
        f"{PG_SESSION_OPTIONS} {API_PLANNER_OPTIONS}"
    )
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_SIZE,
        connect_args={"options": options, "application_name": "aggregator-api"},
    )


def query_threads(engine: Engine) -> int:
    """How many requests a worker process runs its queries for at once.

    SQLite runs every statement in the worker's own process, on its CPU: threads beyond one
    only contend for the interpreter lock and the core, which costs about a tenth more CPU per
    request under load (``benchmarks.bench_api``, server CPU per request); more capacity is more
    worker processes. PostgreSQL spends most of a request waiting for the server, so the worker
    keeps as many queries in flight as its pool holds connections.
    """
    return 1 if engine.dialect.name == "sqlite" else POOL_SIZE


def check_schema(engine: Engine) -> None:
    """Refuse to serve a store that is not at this version's schema (the search columns)."""
    safe = engine.url.render_as_string(hide_password=True)
    try:
        current = migrate.current_revision(engine)
    except Exception as exc:
        raise DatabaseUnavailable(f"cannot open the store at {safe}: {exc}") from None
    if current != migrate.head_revision():
        raise UserError(
            f"the store is at schema {current or 'none'}, the API needs "
            f"{migrate.head_revision()}: run 'aggregator db upgrade'"
        )
