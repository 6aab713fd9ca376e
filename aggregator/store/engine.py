"""Engine factory: SQLite (WAL, foreign keys) or PostgreSQL, made on demand, never at import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from aggregator.errors import DatabaseUnavailable


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# psycopg prepares a statement run five times on a connection, and PostgreSQL may then keep a
# generic plan made without the parameters, from statistics of when the table was small: the
# history's "current rows of these 500 offers" then walked every current row through the
# valid_to index, a cost that grows with the store. Each execution is planned for its values.
PG_SESSION_OPTIONS = "-c plan_cache_mode=force_custom_plan"


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; SQLite files get their folder and WAL mode."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"invalid database URL {url!r}: {exc}") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseUnavailable(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://"
        )
    try:
        return create_engine(
            parsed, pool_pre_ping=True, connect_args={"options": PG_SESSION_OPTIONS}
        )
    except Exception as exc:  # missing driver and similar setup problems
        raise DatabaseUnavailable(f"cannot use database URL: {exc}") from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay usable after commit (the caller owns transactions)."""
    return sessionmaker(engine, expire_on_commit=False)
