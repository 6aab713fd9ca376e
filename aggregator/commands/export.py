"""``aggregator export``: consolidated offers to a file or a snapshot folder."""

from __future__ import annotations

from pathlib import Path

import click

from aggregator.cli import db_option, resolve_db
from aggregator.export import FORMATS, export_offers
from aggregator.store.database import open_store


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A file ending in .jsonl/.csv, or a folder for a snapshot (offers, postings, manifest).",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing file or snapshot.")
@db_option
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Path, overwrite: bool, db: str | None) -> None:
    """Export consolidated offers with their source postings."""
    store = open_store(resolve_db(ctx, db))
    try:
        count = export_offers(store, out, fmt, overwrite=overwrite)
    finally:
        store.close()
    click.echo(f"exported {count} offers to {out}")
