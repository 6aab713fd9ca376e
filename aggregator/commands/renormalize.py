"""``aggregator renormalize``: replay stored raw payloads through today's parsers and mappings.

After a normalizer or mapping fix, the postings already stored are rebuilt without crawling
again (see :mod:`aggregator.renormalize` for which payloads count and what may change). The
report says, per source, how many postings changed, stayed the same, became readable or
stopped being readable. Exit status 1 when a source's replay failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from aggregator.catalogue import CATALOGUE_DIR, SourceEntry, load_catalogue
from aggregator.cli import db_option, resolve_db
from aggregator.errors import UserError
from aggregator.renormalize import Replay, replay_source, sources_with_payloads
from aggregator.store.database import open_store

SANDBOX_CATALOGUE = CATALOGUE_DIR / "sandbox.yaml"
COLUMNS = (
    ("payloads", "payloads"),
    ("records", "records"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("newly readable", "newly_readable"),
    ("no longer readable", "no_longer_readable"),
    ("missing", "missing"),
    ("errors", "errors"),
)


def chosen_sources(entries: Sequence[SourceEntry], keys: Sequence[str]) -> list[SourceEntry]:
    """The sources named with --source (in catalogue order), or every catalogue source."""
    if not keys:
        return list(entries)
    known = {e.key for e in entries}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise UserError(f"unknown source key(s): {', '.join(unknown)} (see 'aggregator sources')")
    wanted = set(keys)
    return [e for e in entries if e.key in wanted]


def replay_table(replays: Sequence[Replay]) -> Table:
    """One row per replayed source, then the totals."""
    table = Table(title="renormalize")
    table.add_column("source")
    table.add_column("status")
    for title, _ in COLUMNS:
        table.add_column(title, justify="right")
    for r in replays:
        table.add_row(r.source, r.status, *(str(getattr(r, name)) for _, name in COLUMNS))
    table.add_row(
        "total",
        f"{sum(r.status == 'ok' for r in replays)}/{len(replays)} ok",
        *(str(sum(getattr(r, name) for r in replays)) for _, name in COLUMNS),
        end_section=True,
    )
    return table


@click.command()
@click.option("--source", "keys", multiple=True, metavar="KEY", help="A source to replay.")
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
def renormalize(
    ctx: click.Context,
    keys: tuple[str, ...],
    catalogue: Path | None,
    sandbox_url: str | None,
    db: str | None,
) -> None:
    """Rebuild stored postings from their raw payloads with the current normalizers."""
    path = catalogue or (SANDBOX_CATALOGUE if sandbox_url else None)
    entries = chosen_sources(load_catalogue(path, sandbox_url=sandbox_url).sources, keys)
    store = open_store(resolve_db(ctx, db))
    try:
        stored = sources_with_payloads(store, [e.key for e in entries])
        skipped = [e.key for e in entries if e.key not in stored]
        if keys and skipped:
            raise UserError(f"no stored raw payloads for: {', '.join(skipped)}")
        now = datetime.now(UTC)
        replays = [replay_source(store, e, now) for e in entries if e.key in stored]
    finally:
        store.close()
    console = Console()
    console.print(replay_table(replays))
    if skipped:
        console.print(f"{len(skipped)} source(s) without stored raw payloads skipped")
    for replay in replays:
        for sample in replay.error_samples[:3]:
            click.echo(f"{replay.source}: {sample}", err=True)
    ctx.exit(1 if any(r.status == "failed" for r in replays) else 0)
