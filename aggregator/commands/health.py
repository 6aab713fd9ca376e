"""``aggregator health`` (every source's state and why) and ``aggregator runs`` (run history).

``health`` reads ``crawl_runs`` and never writes, so monitoring can run it with a read-only
account; it exits 1 when any source is failing or degraded, 0 otherwise.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from aggregator.catalogue import PRODUCTION_CATALOGUE, load_catalogue
from aggregator.cli import db_option, resolve_db
from aggregator.store.database import open_store
from schedules import records
from schedules.health import ALERTING, RunView, SourceHealth
from schedules.options import make_policy, policy_options
from schedules.policy import KEY_FIELDS
from schedules.snapshot import assess_sources

STYLE = {"healthy": "green", "stale": "yellow", "degraded": "magenta", "failing": "bold red"}


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=200, no_color=True)


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


def _health_json(h: SourceHealth, now: datetime) -> dict[str, Any]:
    return {
        "source": h.source,
        "state": h.state,
        "reason": h.reason,
        "last_success_at": h.last_success_at.isoformat() if h.last_success_at else None,
        "last_failure_at": h.last_failure_at.isoformat() if h.last_failure_at else None,
        "last_error": h.last_error,
        "consecutive_failures": h.consecutive_failures,
        "cooldown_until": h.cooldown_until.isoformat()
        if h.cooling_down(now) and h.cooldown_until
        else None,
        "recent_yield": h.recent_yield,
        "parse_error_rate": h.parse_error_rate,
        "fill": h.fill,
        "running": h.running,
    }


@click.command("health")
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=PRODUCTION_CATALOGUE,
    show_default="the production catalogue",
)
@click.option("--sandbox-url", metavar="URL", help="Replaces {sandbox} in base_url.")
@click.option("--source", "sources", multiple=True, metavar="KEY", help="Only these sources.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source.")
@policy_options
@db_option
@click.pass_context
def health(
    ctx: click.Context,
    catalogue: Path,
    sandbox_url: str | None,
    sources: tuple[str, ...],
    as_json: bool,
    cooldown: timedelta,
    cooldown_cap: timedelta,
    breaker_after: int,
    db: str | None,
) -> None:
    """Show each source's state (healthy, stale, degraded, failing) and the reason.

    Exits 1 when any source is failing or degraded, so monitoring can run it as it is.
    """
    entries = load_catalogue(catalogue, sandbox_url=sandbox_url)
    chosen = [entries.get(key) for key in sources] if sources else entries.enabled()
    policy = make_policy(cooldown, cooldown_cap, breaker_after)
    now = datetime.now(UTC)
    store = open_store(resolve_db(ctx, db))
    try:
        with store.engine.connect() as conn:
            healths = assess_sources(conn, chosen, now=now, policy=policy)
    finally:
        store.close()
    if as_json:
        for h in healths:
            click.echo(json.dumps(_health_json(h, now), ensure_ascii=False))
    else:
        _print_health(healths, now)
    ctx.exit(1 if any(h.state in ALERTING for h in healths) else 0)


def _print_health(healths: list[SourceHealth], now: datetime) -> None:
    table = Table(title=f"Source health at {now:%Y-%m-%d %H:%M}Z", title_justify="left")
    for column in ("source", "state", "reason", "last success", "fails", "yield", "parse err"):
        table.add_column(column, overflow="fold")
    table.add_column("fill " + "/".join(f[:3] for f in KEY_FIELDS))
    for h in healths:
        fill = "/".join(f"{h.fill[f]:.0%}" if f in h.fill else "-" for f in KEY_FIELDS)
        table.add_row(
            h.source + (" (running)" if h.running else ""),
            f"[{STYLE[h.state]}]{h.state}[/]",
            h.reason,
            _when(h.last_success_at),
            str(h.consecutive_failures),
            str(h.recent_yield[0]["items"]) if h.recent_yield else "-",
            f"{h.parse_error_rate:.1%}" if h.parse_error_rate is not None else "-",
            fill,
        )
    console = _console()
    console.print(table)
    counts = {state: sum(1 for h in healths if h.state == state) for state in STYLE}
    console.print(", ".join(f"{n} {state}" for state, n in counts.items() if n) or "no sources")


def _run_json(run: RunView) -> dict[str, Any]:
    return {
        "id": run.id,
        "source": run.source,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "items": run.items,
        "new": run.new,
        "closed": run.closed,
        "parse_errors": run.parse_errors,
        "error": run.error,
    }


@click.command("runs")
@click.option("--source", metavar="KEY", help="Only this source.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run.")
@db_option
@click.pass_context
def runs(ctx: click.Context, source: str | None, limit: int, as_json: bool, db: str | None) -> None:
    """Show the newest crawl runs (all sources, or one), newest first."""
    store = open_store(resolve_db(ctx, db))
    try:
        with store.engine.connect() as conn:
            history = records.history(conn, source, limit)
    finally:
        store.close()
    if as_json:
        for run in history:
            click.echo(json.dumps(_run_json(run), ensure_ascii=False))
        return
    table = Table()
    for column in (
        "id",
        "source",
        "status",
        "started",
        "took",
        "offers",
        "new",
        "closed",
        "parse err",
    ):
        table.add_column(
            column, justify="right" if column in ("id", "offers", "new", "closed") else "left"
        )
    table.add_column("error", overflow="fold")
    for run in history:
        took = (
            f"{(run.finished_at - run.started_at).total_seconds():.0f}s" if run.finished_at else "-"
        )
        table.add_row(
            str(run.id),
            run.source,
            run.status,
            _when(run.started_at),
            took,
            str(run.items),
            str(run.new),
            str(run.closed),
            str(run.parse_errors),
            run.error or "",
        )
    _console().print(table)
