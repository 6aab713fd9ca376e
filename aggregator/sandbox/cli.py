"""``aggregator sandbox``: run the sandbox server, dump ground truth, write its source catalogue.

``aggregator sandbox --port 8765`` prints ``sandbox listening on http://127.0.0.1:8765`` as its
first stdout line, then serves until interrupted. Also runnable as
``python -m aggregator.sandbox.cli``.
"""

from __future__ import annotations

import sys
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
    faults: tuple[str, ...],
    access_log: bool,
) -> None:
    """Serve ~70 emulated job boards in their real wire formats on loopback."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        check_loopback(host)
    except LoopbackOnlyError as error:
        raise click.BadParameter(str(error), param_hint="--host") from error
    server = SandboxServer(
        host=host,
        port=port,
        seed=seed,
        scale=scale,
        tick=tick,
        faults=_faults(faults),
        quiet=not access_log,
    )
    click.echo(f"sandbox listening on {server.url}")
    sys.stdout.flush()
    click.echo(
        f"{len(server.app.boards)} boards, seed={seed} scale={scale} tick={server.app.market.tick}",
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
    """Write the ground truth (board, source_offer_id, vacancy_id) as JSON lines."""
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
