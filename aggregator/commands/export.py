"""``aggregator export``: consolidated offers to a file or a snapshot folder."""

from __future__ import annotations

from pathlib import Path

import click

from aggregator.cli import db_option, resolve_db
from aggregator.export import FORMATS, export_offers
from aggregator.schema import ContractType, Remote, WorkingTime
from aggregator.snapshots.filters import SnapshotFilters, Status
from aggregator.snapshots.times import parse_when
from aggregator.store.database import open_store


def _choices(enum: type[ContractType] | type[Remote] | type[WorkingTime]) -> click.Choice:
    return click.Choice([member.value for member in enum])


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A file ending in the format's extension, or a folder for a snapshot "
    "(offers, postings, manifest.json).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATETIME",
    help="Offers as the store knew them then (ISO 8601 with a zone, or a date = 00:00 UTC).",
)
@click.option(
    "--status",
    type=click.Choice([s.value for s in Status]),
    default=Status.OPEN.value,
    show_default=True,
    help="Open offers (at the as-of time), closed ones, or any.",
)
@click.option("--place", help="City, postal code, département (number or name), region, country.")
@click.option("--country", help="ISO 3166-1 alpha-2 code, e.g. FR.")
@click.option("--contract-type", "contract_type", multiple=True, type=_choices(ContractType))
@click.option("--working-time", "working_time", multiple=True, type=_choices(WorkingTime))
@click.option("--remote", multiple=True, type=_choices(Remote))
@click.option("--source", multiple=True, help="Offers with a posting from this source (repeat).")
@click.option("--company", help="Company name (exact, case-insensitive).")
@click.option("--posted-since", "posted_since", metavar="DATETIME", help="Listed on or after.")
@click.option("--overwrite", is_flag=True, help="Replace an existing file or snapshot.")
@click.option("--progress/--no-progress", default=None, help="Default: when stderr is a terminal.")
@db_option
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    out: Path,
    as_of: str | None,
    status: str,
    place: str | None,
    country: str | None,
    contract_type: tuple[str, ...],
    working_time: tuple[str, ...],
    remote: tuple[str, ...],
    source: tuple[str, ...],
    company: str | None,
    posted_since: str | None,
    overwrite: bool,
    progress: bool | None,
    db: str | None,
) -> None:
    """Export consolidated offers with their source postings (a reproducible snapshot)."""
    filters = SnapshotFilters(
        status=Status(status),
        place=place.strip() or None if place else None,
        country=country.strip().upper() or None if country else None,
        contract_type=tuple(dict.fromkeys(contract_type)),
        working_time=tuple(dict.fromkeys(working_time)),
        remote=tuple(dict.fromkeys(remote)),
        source=tuple(dict.fromkeys(source)),
        company=company.strip() or None if company else None,
        posted_since=parse_when(posted_since, "--posted-since") if posted_since else None,
    )
    when = parse_when(as_of, "--as-of") if as_of else None
    store = open_store(resolve_db(ctx, db))
    try:
        result = export_offers(
            store, out, fmt, overwrite=overwrite, filters=filters, as_of=when, progress=progress
        )
    finally:
        store.close()
    click.echo(f"exported {result.offers} offers ({result.postings} postings) to {out}")
