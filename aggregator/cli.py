"""The ``aggregator`` command line: one entry point for ops, analysts and partners' files."""

from __future__ import annotations

import importlib
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


COMMANDS: dict[str, str] = {
    "demo": "aggregator.commands.demo:demo",
    "crawl": "aggregator.commands.crawl:crawl",
    "load": "aggregator.commands.load:load",
    "export": "aggregator.commands.export:export",
    "parse": "aggregator.commands.parse:parse",
    "renormalize": "aggregator.commands.renormalize:renormalize",
    "dedupe": "aggregator.commands.dedupe:dedupe",
    "explain": "aggregator.commands.dedupe:explain",
    "sources": "aggregator.commands.sources:sources",
    "scheduler": "aggregator.commands.scheduler:scheduler",
    "run-once": "aggregator.commands.scheduler:run_once_command",
    "health": "aggregator.commands.health:health",
    "runs": "aggregator.commands.health:runs",
    "serve": "aggregator.commands.serve:serve",
    "sandbox": "aggregator.sandbox.cli:sandbox",
    "db": "aggregator.commands.db:db",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (Scrapy, FastAPI and the
    gazetteer are heavy; ``aggregator load`` should not pay for them)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module_name, attr = COMMANDS[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(package_name="job-aggregator")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Job-offer aggregation pipeline: fetch, normalize, dedupe, store, serve and export."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; expected failures print one line on stderr and set the exit status."""
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
