"""``aggregator dedupe`` (index status, ``--rebuild``) and ``aggregator explain``."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click

from aggregator.cli import db_option, resolve_db
from aggregator.errors import UserError
from aggregator.store.database import open_store


@click.command()
@click.option("--rebuild", is_flag=True, help="Recompute every cluster and rewrite the offers.")
@click.option("--batch-size", default=1000, show_default=True, help="Postings read per batch.")
@click.option(
    "--keys-worker/--no-keys-worker",
    default=True,
    show_default=True,
    help="Compute comparison keys in a second process (from 10,000 postings, 2 cores or more).",
)
@db_option
@click.pass_context
def dedupe(
    ctx: click.Context, rebuild: bool, batch_size: int, keys_worker: bool, db: str | None
) -> None:
    """Show the dedupe index, or rebuild all clusters from scratch (--rebuild).

    A rebuild runs in one transaction (stop crawls meanwhile); it reaches the clusters the
    incremental path reaches when postings arrive in publication order.
    """
    from aggregator.dedupe_store.rebuild import WORKER_FROM, WORKER_NEVER
    from aggregator.dedupe_store.rebuild import rebuild as run_rebuild
    from aggregator.dedupe_store.status import index_status

    store = open_store(resolve_db(ctx, db))
    try:
        if not rebuild:
            with store.engine.connect() as conn:
                s = index_status(conn)
            click.echo(f"postings:        {s.postings}")
            click.echo(f"indexed:         {s.members} in {s.clusters} clusters")
            click.echo(f"representatives: {s.representatives}")
            click.echo(f"offers:          {s.offers}")
            click.echo(f"keys version:    {s.built_with or 'never rebuilt'} (code: {s.current})")
            if s.needs_rebuild:
                click.echo("the index is incomplete or stale: run 'aggregator dedupe --rebuild'")
            return
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            click.echo(f"\r{done}/{total} postings", nl=False, err=True)

        with store.engine.begin() as conn:
            report = run_rebuild(
                conn,
                datetime.now(UTC),
                batch_size=batch_size,
                progress=progress,
                worker_from=WORKER_FROM if keys_worker else WORKER_NEVER,
            )
        click.echo("", err=True)
    finally:
        store.close()
    click.echo(
        f"{report.postings} postings in {report.clusters} clusters "
        f"({time.perf_counter() - started:.1f}s)\n"
        f"offers: {report.offers_before} -> {report.offers_after}, {report.created} founded, "
        f"{report.merged} merged, {report.split} split, {report.relinked} postings relinked"
    )


def _score(value: float | None) -> str:
    return "" if value is None else f" {value:.3f}"


@click.command()
@click.argument("offer_id", required=False)
@click.option("--pair", nargs=2, metavar="SOURCE:ID SOURCE:ID", help="Compare two postings.")
@db_option
@click.pass_context
def explain(
    ctx: click.Context, offer_id: str | None, pair: tuple[str, str] | None, db: str | None
) -> None:
    """Why an offer's postings were merged, or why two postings were (not) merged."""
    from aggregator.dedupe_store.explain import explain_offer, explain_pair

    if (offer_id is None) == (not pair):
        raise UserError("give an OFFER_ID or --pair SOURCE:ID SOURCE:ID (one of the two)")
    store = open_store(resolve_db(ctx, db))
    try:
        with store.engine.connect() as conn:
            if pair:
                found = explain_pair(conn, *pair)
                where = (
                    f"same offer {found.offers[0]}"
                    if found.merged
                    else f"offers {found.offers[0]} / {found.offers[1]}"
                )
                click.echo(found.explanation.render())
                click.echo(f"in the store: {where}")
                return
            assert offer_id is not None
            report = explain_offer(conn, offer_id)
    finally:
        store.close()
    click.echo(f"{report.offer_id} ({report.status}): {report.title}")
    click.echo(f"{len(report.members)} postings")
    for member in report.members:
        r = member.record
        tag = " [representative]" if member.representative else ""
        click.echo(f"\n{r.key}{tag}: {member.rule}{_score(member.score)}")
        click.echo(f"  {r.title} | {r.company or '-'} | {r.city or '-'} | {r.posted_at}")
        for explanation in filter(None, (member.decisive, *member.others)):
            lines = explanation.render().splitlines()
            click.echo("\n".join("    " + line for line in lines))
