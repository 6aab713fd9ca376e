"""``aggregator db``: schema migrations and a look at what the store holds."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from aggregator.cli import db_option, resolve_db
from aggregator.store import migrate
from aggregator.store.database import open_for_upgrade, open_store
from aggregator.store.models import CrawlRun, OfferRow, PostingRow, RawPayload, Source


@click.group()
def db() -> None:
    """Create, upgrade and inspect the store."""


@db.command()
@db_option
@click.pass_context
def upgrade(ctx: click.Context, db: str | None) -> None:
    """Apply the schema migrations the store lacks."""
    store = open_for_upgrade(resolve_db(ctx, db))
    try:
        before = migrate.current_revision(store.engine)
        migrate.upgrade(store.engine)
        after = migrate.current_revision(store.engine)
    finally:
        store.close()
    if before == after:
        click.echo(f"{store.url}: already at schema {after}")
    else:
        click.echo(f"{store.url}: upgraded from {before or 'empty'} to {after}")


@db.command()
@db_option
@click.pass_context
def info(ctx: click.Context, db: str | None) -> None:
    """Show the store's URL, schema version and row counts."""
    store = open_store(resolve_db(ctx, db))
    try:
        with store.engine.connect() as conn:
            counts = {
                label: conn.scalar(select(func.count()).select_from(model))
                for label, model in (
                    ("sources", Source),
                    ("crawl runs", CrawlRun),
                    ("raw payloads", RawPayload),
                    ("postings", PostingRow),
                    ("offers", OfferRow),
                )
            }
            open_offers = conn.scalar(
                select(func.count()).select_from(OfferRow).where(OfferRow.status == "open")
            )
        click.echo(f"store:   {store.url} ({store.dialect})")
        click.echo(f"schema:  {migrate.current_revision(store.engine)}")
        for label, count in counts.items():
            click.echo(f"{label + ':':<14}{count}")
        click.echo(f"{'open offers:':<14}{open_offers}")
    finally:
        store.close()
