"""``aggregator load``: partners' files of postings already in the common schema."""

from __future__ import annotations

from pathlib import Path

import click

from aggregator.cli import db_option, resolve_db
from aggregator.errors import UserError
from aggregator.loader import load_file
from aggregator.store.database import open_store


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--source", "source", metavar="KEY", help="Source key for lines that have none.")
@db_option
@click.pass_context
def load(ctx: click.Context, file: Path, source: str | None, db: str | None) -> None:
    """Load postings in the common schema from a JSON Lines file."""
    if not file.is_file():
        raise UserError(f"{file}: no such file")
    store = open_store(resolve_db(ctx, db))
    try:
        report = load_file(store, file, source=source)
    finally:
        store.close()
    for rejection in report.rejections[:1000]:
        click.echo(f"{file}:{rejection.line}: {rejection.reason}", err=True)
    if len(report.rejections) > 1000:
        click.echo(f"... and {len(report.rejections) - 1000} more rejected lines", err=True)
    result = report.result
    click.echo(
        f"loaded {report.loaded} postings ({len(result.new_ids)} new, "
        f"{len(result.updated_ids)} updated, {len(result.unchanged_ids)} unchanged), "
        f"rejected {len(report.rejections)} lines"
    )
    ctx.exit(report.exit_code)
