"""``aggregator parse --adapter KIND FILE``: one saved body to common-schema JSON Lines.

The offline replay of one response: what a crawl would have stored from it, printed instead.
Postings go to stdout (one JSON object per line, ``Posting.to_record()``), item errors to
stderr, so ``aggregator parse ... > postings.jsonl`` can feed ``aggregator load``. The exit
status is :func:`aggregator.parse_command.parse_file`'s: 0 parsed (even zero offers), 1 some
items could not be read, 2 the file is unreadable or not of that kind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
import orjson

from aggregator.errors import UserError
from aggregator.parse_command import UNREADABLE, ParseOutcome, parse_file
from spiders.parsers import KINDS

MAX_SHOWN_ERRORS = 1000


def _now(value: str | None) -> datetime | None:
    """``--now`` as an aware datetime (a zone-less value is UTC)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--now: {value!r} is not an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _report(outcome: ParseOutcome, problems: bool) -> None:
    """Item errors (and, on request, field problems) on stderr, bounded."""
    for message in outcome.errors[:MAX_SHOWN_ERRORS]:
        click.echo(message, err=True)
    if len(outcome.errors) > MAX_SHOWN_ERRORS:
        click.echo(f"... and {len(outcome.errors) - MAX_SHOWN_ERRORS} more errors", err=True)
    if problems:
        for (source, field), count in sorted(outcome.problems.counts().items()):
            click.echo(f"problem: {source} {field}: {count}", err=True)


@click.command()
@click.option(
    "--adapter",
    "kind",
    required=True,
    metavar="KIND",
    help=f"Adapter kind of the body ({', '.join(KINDS)}).",
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--source", metavar="KEY", help="Catalogue source whose settings apply.")
@click.option("--url", metavar="URL", help="The URL the body was fetched from.")
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Catalogue file for --source (default: the production catalogue).",
)
@click.option("--now", "now_text", metavar="ISO", help="Reference time for relative dates.")
@click.option("--problems", is_flag=True, help="Also print field problem counts on stderr.")
@click.pass_context
def parse(
    ctx: click.Context,
    kind: str,
    file: Path,
    source: str | None,
    url: str | None,
    catalogue: Path | None,
    now_text: str | None,
    problems: bool,
) -> None:
    """Parse a saved response body with an adapter; print postings as JSON Lines."""
    if kind not in KINDS:
        raise UserError(f"unknown adapter kind {kind!r} (known: {', '.join(KINDS)})")
    outcome = parse_file(
        kind, file, source=source, url=url, catalogue=catalogue, now=_now(now_text)
    )
    if outcome.status == UNREADABLE:
        raise UserError(outcome.message or f"{file}: not a {kind} response")
    for posting in outcome.postings:
        click.echo(orjson.dumps(posting.to_record()))
    _report(outcome, problems)
    ctx.exit(outcome.status)
