"""``aggregator scheduler`` (long-lived) and ``aggregator run-once`` (what is due, then exit)."""

from __future__ import annotations

import logging
import shlex
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from aggregator.catalogue import PRODUCTION_CATALOGUE, Catalogue, load_catalogue
from aggregator.cli import db_option, resolve_db
from aggregator.config import database_url
from schedules.logs import configure_logging
from schedules.once import run_once
from schedules.options import DURATION, make_policy, policy_options
from schedules.service import SchedulerService, ServiceOptions, StopSignals
from schedules.supervisor import DEFAULT_COMMAND, CrawlSettings


def crawl_options(func: Any) -> Any:
    """Options both commands share: where the sources are and the limits on each crawl."""
    for decorator in reversed(
        [
            click.option(
                "--catalogue",
                type=click.Path(path_type=Path, dir_okay=False, exists=True),
                default=PRODUCTION_CATALOGUE,
                show_default="the production catalogue",
                help="Source catalogue (YAML).",
            ),
            click.option("--sandbox-url", metavar="URL", help="Replaces {sandbox} in base_url."),
            click.option(
                "--max-concurrent",
                type=click.IntRange(min=1),
                default=4,
                show_default=True,
                help="Crawls running at once, over all sources.",
            ),
            click.option(
                "--time-limit",
                type=DURATION,
                default="1h",
                show_default=True,
                help="A crawl running longer is killed and recorded failed.",
            ),
            click.option(
                "--grace",
                type=DURATION,
                default="60s",
                show_default=True,
                help="On SIGTERM/SIGINT, how long running crawls may finish.",
            ),
            click.option(
                "--crawl-arg",
                "crawl_args",
                multiple=True,
                metavar="ARG",
                help="Extra argument for every 'aggregator crawl' child (e.g. --fast).",
            ),
            click.option(
                "--crawl-command",
                hidden=True,
                envvar="AGGREGATOR_CRAWL_COMMAND",
                help="Command prefix of the crawl child (tests replace the real one).",
            ),
            click.option(
                "--log-level",
                type=click.Choice(["debug", "info", "warning", "error"]),
                default="info",
                show_default=True,
            ),
            policy_options,
            db_option,
        ]
    ):
        func = decorator(func)
    return func


def _settings(ctx: click.Context, params: dict[str, Any]) -> CrawlSettings:
    configure_logging(params["log_level"].upper())
    command = shlex.split(params["crawl_command"]) if params["crawl_command"] else DEFAULT_COMMAND
    time_limit: timedelta = params["time_limit"]
    return CrawlSettings(
        db_url=database_url(resolve_db(ctx, params["db"])),
        catalogue=Path(params["catalogue"]).resolve(),
        sandbox_url=params["sandbox_url"],
        time_limit=time_limit.total_seconds(),
        max_concurrent=params["max_concurrent"],
        crawl_command=list(command),
        extra_args=list(params["crawl_args"]),
        policy=make_policy(params["cooldown"], params["cooldown_cap"], params["breaker_after"]),
    )


def _loader(settings: CrawlSettings) -> Any:
    def load() -> Catalogue:
        return load_catalogue(settings.catalogue, sandbox_url=settings.sandbox_url)

    return load


@click.command("scheduler")
@crawl_options
@click.option(
    "--standby",
    is_flag=True,
    help="If another scheduler owns the store, wait and take over when it stops.",
)
@click.option("--metrics-port", type=int, help="Serve Prometheus metrics on this port.")
@click.option("--metrics-addr", default="127.0.0.1", show_default=True)
@click.option(
    "--jitter",
    type=DURATION,
    default="5m",
    show_default=True,
    help="Largest random delay of a run (at most 5% of the source's interval).",
)
@click.option("--lease-ttl", type=DURATION, default="60s", show_default=True, hidden=True)
@click.option("--poll", type=DURATION, default="5s", show_default=True, hidden=True)
@click.pass_context
def scheduler(ctx: click.Context, **params: Any) -> None:
    """Run the crawl scheduler until SIGTERM/SIGINT (one per store)."""
    settings = _settings(ctx, params)
    options = ServiceOptions(
        settings=settings,
        grace=params["grace"].total_seconds(),
        lease_ttl=params["lease_ttl"].total_seconds(),
        poll=params["poll"].total_seconds(),
        jitter_cap=params["jitter"],
        standby=params["standby"],
        metrics_port=params["metrics_port"],
        metrics_addr=params["metrics_addr"],
    )
    _loader(settings)()  # a bad catalogue is refused before anything starts
    with StopSignals().installed() as signals:
        status = SchedulerService(options, _loader(settings), signals).run()
    ctx.exit(status)


@click.command("run-once")
@crawl_options
@click.option("--source", "sources", multiple=True, metavar="KEY", help="Only these sources.")
@click.option("--force", is_flag=True, help="Run the sources even if not due yet.")
@click.pass_context
def run_once_command(ctx: click.Context, **params: Any) -> None:
    """Crawl the sources due now (by schedule and circuit breaker), then exit.

    Exit status 1 when a crawl failed, 0 otherwise (sources cooling down are skipped).
    """
    settings = _settings(ctx, params)
    catalogue = _loader(settings)()
    keys = list(params["sources"])
    for key in keys:
        catalogue.get(key)  # an unknown key is an error before anything runs
    with StopSignals().installed() as signals:
        results = run_once(
            settings,
            catalogue,
            keys=keys,
            force=params["force"],
            grace=params["grace"].total_seconds(),
            signals=signals,
        )
    log = logging.getLogger("aggregator.schedules")
    for result in results:
        log.info("%s: %s", result.source, result.skipped or result.status)
    failed = [r.source for r in results if r.status == "failed"]
    ctx.exit(1 if failed else 0)
