"""Opening the store: engine, schema check or upgrade, one clear error when it is unreachable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from aggregator.config import database_url
from aggregator.errors import DatabaseUnavailable, UserError
from aggregator.store import migrate
from aggregator.store.engine import make_engine

T = TypeVar("T")


@dataclass(slots=True)
class Store:
    """An opened store: its URL (for messages, password hidden) and engine."""

    url: str
    engine: Engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


def _guarded(engine: Engine, action: Callable[[], T]) -> T:
    """Run ``action``; a database that cannot be reached becomes one clear line."""
    try:
        return action()
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        safe = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot open the store at {safe}: {reason}") from None


def _ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def open_for_upgrade(url: str | None = None) -> Store:
    """Open the store without the schema check, to run migrations on it."""
    engine = make_engine(database_url(url))
    _guarded(engine, lambda: _ping(engine))
    return Store(url=engine.url.render_as_string(hide_password=True), engine=engine)


def open_store(url: str | None = None, *, upgrade_empty: bool = True) -> Store:
    """Open the store at ``url`` (resolved like every command does).

    A brand-new store is created at the newest schema; a store at an older schema is refused
    with a message naming ``aggregator db upgrade`` so that migrations are a deliberate step.
    """
    store = open_for_upgrade(url)
    engine = store.engine
    current = _guarded(engine, lambda: migrate.current_revision(engine))
    if current is None and upgrade_empty and _guarded(engine, lambda: migrate.is_empty(engine)):
        _guarded(engine, lambda: migrate.upgrade(engine))
    elif current != migrate.head_revision():
        store.close()
        raise UserError(
            f"the store at {store.url} is at schema {current or 'none'}, this version needs "
            f"{migrate.head_revision()}: run 'aggregator db upgrade'"
        )
    return store
