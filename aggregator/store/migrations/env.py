"""Alembic environment: runs on the connection the application hands over."""

from __future__ import annotations

from alembic import context

from aggregator.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic is run by hand
    from aggregator.config import database_url
    from aggregator.store.engine import make_engine

    engine = make_engine(database_url())
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
