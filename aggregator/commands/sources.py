"""``aggregator sources``: the catalogue at a glance, with how each source's last crawl went.

The catalogue says what should happen (kind, schedule, enabled, priority); ``crawl_runs`` says
what did. Only crawl runs count as the "last run" (a ``renormalize`` or ``load`` run fetches
nothing), so a source that was never crawled shows ``never``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, func, select

from aggregator.catalogue import CATALOGUE_DIR, SourceEntry, load_catalogue
from aggregator.cli import db_option, resolve_db
from aggregator.store.database import open_store
from aggregator.store.models import CrawlRun

SANDBOX_CATALOGUE = CATALOGUE_DIR / "sandbox.yaml"
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class LastRun:
    """How a source's most recent crawl ended."""

    status: str
    started_at: datetime
    finished_at: datetime | None
    items: int


def last_runs(conn: Connection, keys: Iterable[str], trigger: str = "crawl") -> dict[str, LastRun]:
    """The most recent run of each source (by id: ids grow with time) with that trigger."""
    table = CrawlRun.__table__
    wanted = sorted(set(keys))
    found: dict[str, LastRun] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        latest = (
            select(func.max(table.c.id))
            .where(table.c.source.in_(chunk), table.c.trigger == trigger)
            .group_by(table.c.source)
        )
        rows = conn.execute(
            select(
                table.c.source,
                table.c.status,
                table.c.started_at,
                table.c.finished_at,
                table.c["items"],
            ).where(table.c.id.in_(latest))
        )
        for row in rows:
            found[row.source] = LastRun(row.status, row.started_at, row.finished_at, row.items)
    return found


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "-"


def sources_table(entries: Iterable[SourceEntry], runs: dict[str, LastRun]) -> Table:
    """One row per catalogue entry, in catalogue order."""
    table = Table(title="sources")
    for column in ("key", "kind", "schedule", "enabled", "priority", "last run", "finished"):
        table.add_column(column, no_wrap=column in ("key", "finished"))
    table.add_column("items", justify="right")
    for entry in entries:
        run = runs.get(entry.key)
        table.add_row(
            entry.key,
            entry.kind,
            entry.schedule,
            "yes" if entry.enabled else "no",
            str(entry.priority),
            run.status if run else "never",
            _when(run.finished_at) if run else "-",
            str(run.items) if run else "-",
        )
    return table


@click.command()
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Catalogue file (default: the production catalogue).",
)
@click.option(
    "--sandbox-url",
    metavar="URL",
    help="Sandbox server URL; implies the sandbox catalogue unless --catalogue is given.",
)
@db_option
@click.pass_context
def sources(
    ctx: click.Context, catalogue: Path | None, sandbox_url: str | None, db: str | None
) -> None:
    """List the catalogue's sources with the outcome of their last crawl."""
    path = catalogue or (SANDBOX_CATALOGUE if sandbox_url else None)
    entries = load_catalogue(path, sandbox_url=sandbox_url).sources
    store = open_store(resolve_db(ctx, db))
    try:
        with store.engine.connect() as conn:
            runs = last_runs(conn, [e.key for e in entries])
    finally:
        store.close()
    Console().print(sources_table(entries, runs))
