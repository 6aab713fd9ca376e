"""The ``aggregator`` command line: one entry point for ops, analysts and partners' files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from aggregator.config import DATABASE_ENV
from aggregator.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """``--db URL`` on a command; it overrides the group's ``--db`` and the environment."""
    return click.option(
        "--db",
        "db",
        metavar="URL",
        default=None,
        help=f"Database URL (default: ${DATABASE_ENV}, else the embedded SQLite file).",
    )(func)


def resolve_db(ctx: click.Context, db: str | None) -> str | None:
    """The URL a command should use: its own ``--db``, else the group's."""
    return db or (ctx.obj or {}).get("db")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(package_name="job-aggregator")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Job-offer aggregation pipeline: fetch, normalize, dedupe, store, serve and export."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


def _register_commands() -> None:
    from aggregator.commands import db, demo, export, load

    cli.add_command(demo.demo)
    cli.add_command(load.load)
    cli.add_command(export.export)
    cli.add_command(db.db)
    for module_name, attr in _OPTIONAL_COMMANDS:
        try:
            module = __import__(module_name, fromlist=[attr])
        except ImportError:
            continue
        cli.add_command(getattr(module, attr))


_OPTIONAL_COMMANDS: tuple[tuple[str, str], ...] = (
    ("aggregator.sandbox.cli", "sandbox"),
    ("aggregator.commands.crawl", "crawl"),
    ("aggregator.commands.parse", "parse"),
    ("aggregator.commands.serve", "serve"),
    ("aggregator.commands.sources", "sources"),
    ("aggregator.commands.renormalize", "renormalize"),
    ("aggregator.commands.dedupe", "dedupe"),
    ("aggregator.commands.dedupe", "explain"),
    ("aggregator.commands.scheduler", "scheduler"),
    ("aggregator.commands.scheduler", "run_once_command"),
    ("aggregator.commands.health", "health"),
    ("aggregator.commands.health", "runs"),
)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; expected failures print one line on stderr and set the exit status."""
    _register_commands()
    try:
        status = cli.main(args=argv, prog_name="aggregator", standalone_mode=False)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
