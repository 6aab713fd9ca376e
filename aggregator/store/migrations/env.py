"""Alembic environment: runs on the connection the application hands over."""

from __future__ import annotations

from typing import Any

from alembic import context

from aggregator.store.models import Base

connection = context.config.attributes.get("connection")


def include_object(obj: object, name: str | None, type_: str, *_: object) -> bool:
    """Leave the full-text index (made by hand in 0001) out of autogenerate."""
    return not (type_ == "table" and name is not None and name.startswith("offers_fts"))


OPTIONS: dict[str, Any] = {
    "target_metadata": Base.metadata,
    "render_as_batch": True,
    "include_object": include_object,
}
if connection is None:  # pragma: no cover - only when alembic is run by hand
    from aggregator.config import database_url
    from aggregator.store.engine import make_engine

    engine = make_engine(database_url())
    with engine.begin() as conn:
        context.configure(connection=conn, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()
