"""The portal's search API: FastAPI over the consolidated offers, read-only.

:func:`create_app` is the factory uvicorn runs (``aggregator serve``); tests call it on a store
they filled. The engine is made when the app starts, never at import.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import Engine

from aggregator.api.answers import AnswerCache
from aggregator.api.cache import DataVersion, TtlCache
from aggregator.api.database import check_schema, query_threads, read_only_engine
from aggregator.api.errors import install_error_handlers
from aggregator.api.params import PageQuery, SearchQuery, query_schemas
from aggregator.api.places import warm_up
from aggregator.api.routes import router

DB_ENV = "AGGREGATOR_API_DATABASE_URL"
FACET_TTL_ENV = "AGGREGATOR_API_FACET_TTL"
ANSWER_TTL_ENV = "AGGREGATOR_API_ANSWER_TTL"


def _seconds(value: float | None, env: str, default: str) -> float:
    return value if value is not None else float(os.environ.get(env, default))


def create_app(
    url: str | None = None,
    *,
    engine: Engine | None = None,
    facet_ttl: float | None = None,
    answer_ttl: float | None = None,
) -> FastAPI:
    """The API on the store at ``url`` (else ``$AGGREGATOR_API_DATABASE_URL``, else the default).

    Cached answers are dropped as soon as the store's data changes; the TTLs (seconds, 0
    disables) only bound how long an unchanged answer is kept: ``facet_ttl`` (default 60) for
    facet counts and the source list, ``answer_ttl`` (default 10) for whole answers of
    ``/offers``, ``/offers/{id}``, ``/facets`` and ``/sources`` (:mod:`aggregator.api.answers`).
    """
    ttl = _seconds(facet_ttl, FACET_TTL_ENV, "60")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = engine is None
        app.state.engine = engine or read_only_engine(url or os.environ.get(DB_ENV))
        app.state.data_version = DataVersion(app.state.engine)
        try:
            check_schema(app.state.engine)
            warm_up()
            # sync endpoints run in anyio's thread pool: bound it to what the store can use
            to_thread.current_default_thread_limiter().total_tokens = query_threads(
                app.state.engine
            )
            yield
        finally:
            app.state.data_version.close()
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
    _document_query_schemas(app)
    app.add_middleware(
        AnswerCache,
        ttl=_seconds(answer_ttl, ANSWER_TTL_ENV, "10"),
        version=lambda: app.state.data_version.current(),
    )
    return app


def _document_query_schemas(app: FastAPI) -> None:
    """Add the enumerations the query parameters refer to to the OpenAPI components: FastAPI
    collects them from declared parameters only, and the search endpoints document theirs
    from the query models (:mod:`aggregator.api.params`)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in query_schemas(PageQuery, SearchQuery).items():
                schemas.setdefault(name, schema)
            document["components"]["schemas"] = dict(sorted(schemas.items()))
            return document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (workers read the URL from the environment)."""
    return create_app()
