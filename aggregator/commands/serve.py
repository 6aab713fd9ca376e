"""``aggregator serve``: the portal's read-only search API on uvicorn."""

from __future__ import annotations

import os

import click

from aggregator.cli import db_option, resolve_db
from aggregator.config import database_url


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Processes."
)
@click.option(
    "--facet-ttl",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds facet counts and the source list may be cached (0: never).",
)
@db_option
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int, facet_ttl: float, db: str | None
) -> None:
    """Serve the search API (read-only): /offers, /offers/{id}, /facets, /sources, /docs."""
    import uvicorn

    from aggregator.api.app import DB_ENV, FACET_TTL_ENV
    from aggregator.api.database import check_schema, read_only_engine

    url = database_url(resolve_db(ctx, db))
    engine = read_only_engine(url)  # fail here, with one clear line, not in every worker
    try:
        check_schema(engine)
    finally:
        engine.dispose()
    os.environ[DB_ENV] = url
    os.environ[FACET_TTL_ENV] = str(facet_ttl)
    uvicorn.run(
        "aggregator.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
    )
