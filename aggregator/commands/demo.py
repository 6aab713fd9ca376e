"""``aggregator demo``: the main job on the embedded default, for a new user's first try.

It starts the sandbox (the local emulation of ~70 job boards) as a child process, crawls
every sandbox source once through the real pipeline (fetch, normalize, dedupe, store) into
the store, and prints what happened. The sandbox is local, so politeness delays are off; a
production crawl (``aggregator crawl``) is polite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime

import click
from rich.console import Console
from sqlalchemy import func, select

from aggregator.catalogue import load_catalogue
from aggregator.cli import db_option, resolve_db
from aggregator.commands.crawl import SANDBOX_CATALOGUE, progress_line, summary_table
from aggregator.errors import UserError
from aggregator.sandbox.credentials import SANDBOX_CREDENTIALS
from aggregator.sandbox.market import live_epoch
from aggregator.store.database import Store, open_store
from aggregator.store.models import OfferRow, PostingRow


def store_totals(store: Store) -> dict[str, int]:
    """Postings, offers and open offers in the store after the run."""
    with store.engine.connect() as conn:
        postings = conn.scalar(select(func.count()).select_from(PostingRow)) or 0
        offers = conn.scalar(select(func.count()).select_from(OfferRow)) or 0
        open_offers = (
            conn.scalar(select(func.count()).select_from(OfferRow).where(OfferRow.status == "open"))
            or 0
        )
    return {"postings": postings, "offers": offers, "open_offers": open_offers}


class SandboxProcess:
    """The sandbox server in a child process (its own interpreter: it never competes with the
    crawler's reactor for the GIL), stopped when the demo ends.

    Its market is dated by ``epoch``, chosen here and passed on, so that the demo and its
    sandbox agree on the day even if the child starts after midnight.
    """

    def __init__(self, *, seed: int, scale: float, epoch: datetime) -> None:
        argv = [
            sys.executable,
            "-m",
            "aggregator.sandbox.cli",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--scale",
            str(scale),
            "--epoch",
            epoch.isoformat(),
        ]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        first = self.process.stdout.readline() if self.process.stdout else ""
        if not first.startswith("sandbox listening on "):
            self.stop()
            raise UserError(f"the sandbox did not start: {first.strip() or 'no output'}")
        self.url = first.removeprefix("sandbox listening on ").strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@click.command()
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="Size of the sandbox market (1.0 is about 20,000 postings).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Sandbox market seed.")
@click.option(
    "--keep-serving",
    is_flag=True,
    help="Keep the sandbox running after the crawl (Ctrl-C to stop).",
)
@db_option
@click.pass_context
def demo(ctx: click.Context, scale: float, seed: int, keep_serving: bool, db: str | None) -> None:
    """Crawl the ~70 sandbox job boards once into the store and print a summary."""
    from aggregator.crawl.runner import crawl

    console = Console(stderr=True)
    store = open_store(resolve_db(ctx, db))
    for name, value in SANDBOX_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    epoch = live_epoch()  # live dates: the store closes offers past their valid_through
    server = SandboxProcess(seed=seed, scale=scale, epoch=epoch)
    try:
        console.print(
            f"sandbox: {server.url} (seed {seed}, scale {scale}, "
            f"epoch {epoch:%Y-%m-%d %H:%M} UTC); store: {store.url}"
        )
        entries = load_catalogue(SANDBOX_CATALOGUE, sandbox_url=server.url).enabled()
        started = time.perf_counter()
        with console.status(f"crawling {len(entries)} sandbox boards...") as status:
            outcomes = crawl(
                store, entries, polite=False, on_progress=lambda c: status.update(progress_line(c))
            )
        elapsed = time.perf_counter() - started
        Console().print(summary_table(outcomes))
        totals = store_totals(store)
        merged = totals["postings"] - totals["offers"]
        click.echo(
            f"{len(entries)} sources in {elapsed:.1f} s: {totals['postings']} postings stored, "
            f"{totals['offers']} consolidated offers ({totals['open_offers']} open), "
            f"{merged} duplicates merged; store ready at {store.url}"
        )
        if keep_serving:
            console.print(f"sandbox still serving at {server.url}; Ctrl-C to stop")
            while True:
                time.sleep(3600)
    finally:
        server.stop()
        store.close()
