"""The portal's search API: FastAPI over the consolidated offers, read-only.

:func:`create_app` is the factory uvicorn runs (``aggregator serve``); tests call it on a store
they filled. The engine is made when the app starts, never at import.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from aggregator.api.cache import TtlCache
from aggregator.api.database import check_schema, read_only_engine
from aggregator.api.errors import install_error_handlers
from aggregator.api.places import warm_up
from aggregator.api.routes import router

DB_ENV = "AGGREGATOR_API_DATABASE_URL"
FACET_TTL_ENV = "AGGREGATOR_API_FACET_TTL"


def create_app(
    url: str | None = None, *, engine: Engine | None = None, facet_ttl: float | None = None
) -> FastAPI:
    """The API on the store at ``url`` (else ``$AGGREGATOR_API_DATABASE_URL``, else the default).

    ``facet_ttl`` (seconds, default 60, 0 disables) bounds how stale cached facet counts and
    the source list may be.
    """
    ttl = facet_ttl if facet_ttl is not None else float(os.environ.get(FACET_TTL_ENV, "60"))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = engine is None
        app.state.engine = engine or read_only_engine(url or os.environ.get(DB_ENV))
        try:
            check_schema(app.state.engine)
            warm_up()
            yield
        finally:
            if own:
                app.state.engine.dispose()

    app = FastAPI(
        title="Job offers search API",
        version="1",
        summary="Consolidated job offers from French and international boards, read-only.",
        lifespan=lifespan,
    )
    app.state.facet_cache = TtlCache(ttl)
    app.state.source_cache = TtlCache(ttl, size=1)
    install_error_handlers(app)
    app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (workers read the URL from the environment)."""
    return create_app()
