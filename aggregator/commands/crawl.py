"""``aggregator crawl``: fetch sources now, then normalize, dedupe and store what they hold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from aggregator.catalogue import CATALOGUE_DIR, SourceEntry, load_catalogue
from aggregator.cli import db_option, resolve_db
from aggregator.crawl.finish import SourceOutcome
from aggregator.errors import UserError
from aggregator.store.database import open_store
from spiders.collector import CrawlCollector

SANDBOX_CATALOGUE = CATALOGUE_DIR / "sandbox.yaml"


def select_sources(
    entries: Sequence[SourceEntry], keys: Sequence[str], everything: bool
) -> list[SourceEntry]:
    """The sources named with --source (in catalogue order), or every enabled one with --all."""
    if keys and everything:
        raise UserError("give either --source KEY ... or --all, not both")
    if everything:
        return [e for e in entries if e.enabled]
    if not keys:
        raise UserError("name the sources to crawl with --source KEY (repeatable) or use --all")
    known = {e.key for e in entries}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise UserError(f"unknown source key(s): {', '.join(unknown)} (see 'aggregator sources')")
    wanted = set(keys)
    return [e for e in entries if e.key in wanted]


def progress_line(collectors: Sequence[CrawlCollector]) -> str:
    """What the fetch has done so far, for the live status line."""
    done = sum(c.close_reason is not None or c.fatal is not None for c in collectors)
    responses = sum(sum(c.responses.values()) for c in collectors)
    offers = sum(len(c.records) + len(c.seen_unchanged) for c in collectors)
    return (
        f"fetching: {done}/{len(collectors)} sources done, {responses} responses, "
        f"{offers} offers; normalize, dedupe and store follow"
    )


def summary_table(outcomes: Sequence[SourceOutcome]) -> Table:
    """Per source and in total: offers fetched, new, updated, closed, errors, status."""
    table = Table(title="crawl summary")
    for column in ("source", "status", "seen", "new", "updated", "unchanged", "closed", "errors"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for o in outcomes:
        status = o.status + (f" ({o.suspicious})" if o.suspicious else "")
        table.add_row(
            o.source,
            status,
            *(str(v) for v in (o.seen, o.new, o.updated, o.unchanged, o.closed, o.errors)),
        )
    table.add_row(
        "total",
        f"{sum(o.status == 'ok' for o in outcomes)}/{len(outcomes)} ok",
        *(
            str(sum(getattr(o, f) for o in outcomes))
            for f in ("seen", "new", "updated", "unchanged", "closed", "errors")
        ),
        end_section=True,
    )
    return table


@click.command()
@click.option("--source", "keys", multiple=True, metavar="KEY", help="A source to crawl.")
@click.option("--all", "everything", is_flag=True, help="Crawl every enabled source.")
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
@click.option("--fast", is_flag=True, help="No politeness delays (sandbox, benchmarks).")
@db_option
@click.pass_context
def crawl(
    ctx: click.Context,
    keys: tuple[str, ...],
    everything: bool,
    catalogue: Path | None,
    sandbox_url: str | None,
    fast: bool,
    db: str | None,
) -> None:
    """Crawl sources now, then normalize, dedupe and store their offers."""
    from aggregator.crawl.runner import crawl as run_crawl
    from schedules.logs import configure_logging

    configure_logging()

    path = catalogue or (SANDBOX_CATALOGUE if sandbox_url else None)
    entries = select_sources(
        load_catalogue(path, sandbox_url=sandbox_url).sources, keys, everything
    )
    store = open_store(resolve_db(ctx, db))
    console = Console(stderr=True)
    try:
        if console.is_terminal:
            with console.status(f"crawling {len(entries)} sources...") as status:
                outcomes = run_crawl(
                    store,
                    entries,
                    polite=not fast,
                    on_progress=lambda c: status.update(progress_line(c)),
                )
        else:
            outcomes = run_crawl(store, entries, polite=not fast)
    finally:
        store.close()
    Console().print(summary_table(outcomes))
    ctx.exit(1 if any(o.status == "failed" for o in outcomes) else 0)
