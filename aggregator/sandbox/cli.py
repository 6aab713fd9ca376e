"""``aggregator sandbox``: run the sandbox server, dump ground truth, write its source catalogue.

``aggregator sandbox --port 8765`` prints ``sandbox listening on http://127.0.0.1:8765`` as its
first stdout line, then serves until interrupted. Also runnable as
``python -m aggregator.sandbox.cli``.

The boards it serves look live: tick 0 is :func:`~aggregator.sandbox.market.live_epoch`, set so
that the starting tick is ``LIVE_TICKS`` days before the last 08:00 UTC, leaving that many
``POST /_admin/tick`` before the market's clock passes the wall clock. ``--epoch`` fixes tick 0
instead (a date is read as 08:00 UTC): same seed, scale, epoch and tick, same bytes. A parent
process that needs the market's dates passes ``--epoch`` rather than computing its own.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
import yaml

from aggregator.sandbox.faults import Fault, FaultError, parse_fault_arg
from aggregator.sandbox.render import entry_path
from aggregator.sandbox.render.base import json_bytes
from aggregator.sandbox.server import LoopbackOnlyError, SandboxServer, check_loopback

DEFAULT_PORT = 8765
AUTH_ENV: dict[str, dict[str, str]] = {
    "francetravail": {
        "client_id_env": "FRANCE_TRAVAIL_CLIENT_ID",
        "client_secret_env": "FRANCE_TRAVAIL_CLIENT_SECRET",
    },
    "adzuna": {"app_id_env": "ADZUNA_APP_ID", "app_key_env": "ADZUNA_APP_KEY"},
}


def parse_epoch(text: str) -> datetime:
    """``--epoch``: an ISO date (08:00 UTC that day) or date-time (UTC when it names no zone)."""
    from aggregator.sandbox.market import EPOCH

    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, EPOCH.timetz())
        when = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(
            f"{text!r} is not an ISO date or date-time", param_hint="--epoch"
        ) from error
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _faults(values: tuple[str, ...]) -> dict[str, Fault]:
    faults: dict[str, Fault] = {}
    for value in values:
        try:
            board, fault = parse_fault_arg(value)
        except FaultError as error:
            raise click.BadParameter(str(error), param_hint="--fault") from error
        faults[board] = fault
    return faults


@click.group("sandbox", invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=int, help="0 picks a free port."
)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--scale", default=1.0, show_default=True, type=float, help="1.0 is about 20,000 postings."
)
@click.option(
    "--tick", default=0, show_default=True, type=int, help="Market days to advance before serving."
)
@click.option(
    "--epoch",
    metavar="DATE[THH:MM[+ZZ:ZZ]]",
    help="Date of tick 0 (a date means 08:00 UTC), to replay a market byte for byte. "
    "Default: live, dated up to today.",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="BOARD=KIND[,KIND]",
    help="Switch a fault on at start.",
)
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
@click.pass_context
def sandbox(
    ctx: click.Context,
    host: str,
    port: int,
    seed: int,
    scale: float,
    tick: int,
    epoch: str | None,
    faults: tuple[str, ...],
    access_log: bool,
) -> None:
    """Serve ~70 emulated job boards in their real wire formats on loopback."""
    from aggregator.sandbox.market import LIVE_TICKS, live_epoch

    if ctx.invoked_subcommand is not None:
        return
    try:
        check_loopback(host)
    except LoopbackOnlyError as error:
        raise click.BadParameter(str(error), param_hint="--host") from error
    if tick < 0:
        raise click.BadParameter("time only moves forward", param_hint="--tick")
    start = parse_epoch(epoch) if epoch else live_epoch(ticks=tick + LIVE_TICKS)
    server = SandboxServer(
        host=host,
        port=port,
        seed=seed,
        scale=scale,
        tick=tick,
        epoch=start,
        faults=_faults(faults),
        quiet=not access_log,
    )
    click.echo(f"sandbox listening on {server.url}")
    sys.stdout.flush()
    click.echo(
        f"{len(server.app.boards)} boards, seed={seed} scale={scale} "
        f"epoch={start.isoformat()} tick={server.app.market.tick} "
        f"now={server.app.market.now.isoformat()}",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("sandbox stopped", err=True)


@sandbox.command("truth")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=float)
@click.option("--tick", default=0, show_default=True, type=int)
def truth(out: str, seed: int, scale: float, tick: int) -> None:
    """Write the ground truth (board, source_offer_id, vacancy_id) as JSON lines.

    The truth does not depend on the epoch (it only dates the postings), so it matches a
    server of the same seed, scale and tick whatever its ``--epoch``.
    """
    from aggregator.sandbox.market import Market

    market = Market(seed=seed, scale=scale)
    if tick:
        market.advance(tick)
    rows = [
        json_bytes(
            {"board": r.board, "source_offer_id": r.source_offer_id, "vacancy_id": r.vacancy_id}
        )
        for r in market.truth()
    ]
    data = b"".join(row + b"\n" for row in rows)
    if out == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(out).write_bytes(data)
        click.echo(f"{len(rows)} truth rows written to {out}", err=True)


def catalogue_entries(base_url: str) -> list[dict[str, Any]]:
    """One source catalogue entry per sandbox board."""
    from aggregator.sandbox.boards import BOARDS

    base = base_url.rstrip("/")
    entries = []
    for spec in BOARDS:
        entry: dict[str, Any] = {
            "key": spec.key,
            "name": spec.name,
            "kind": spec.kind,
            "base_url": f"{base}/b/{spec.key}",
            "token": spec.token,
            "language": spec.language,
            "country": spec.country,
            "path": entry_path(spec),
        }
        if spec.options:
            entry["options"] = dict(spec.options)
        entry.update(AUTH_ENV.get(spec.kind, {}))
        entries.append(entry)
    return entries


@sandbox.command("catalogue")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--base-url", default=f"http://127.0.0.1:{DEFAULT_PORT}", show_default=True)
def catalogue(out: str, base_url: str) -> None:
    """Write the sandbox source catalogue (YAML) pointing every board at ``BASE_URL/b/{key}``."""
    header = (
        "# Sandbox source catalogue, generated by `aggregator sandbox catalogue`.\n"
        "# Credentials: France Travail and Adzuna read the env vars named below; by default\n"
        "# the sandbox accepts sandbox-ft-client / sandbox-ft-secret (France Travail) and\n"
        "# sandbox-app / sandbox-key (Adzuna), or the app_id / app_key board options.\n"
    )
    text = header + yaml.safe_dump(
        {"sources": catalogue_entries(base_url)}, allow_unicode=True, sort_keys=False
    )
    if out == "-":
        click.echo(text, nl=False)
    else:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"catalogue written to {out}", err=True)


if __name__ == "__main__":
    sandbox()
