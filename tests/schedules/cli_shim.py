"""``aggregator`` with the operations commands registered, until ``aggregator/cli.py`` lists them.

Once ``_OPTIONAL_COMMANDS`` names them this shim changes nothing (add_command replaces).
"""

from __future__ import annotations

import sys
from pathlib import Path

from aggregator.cli import cli, main
from aggregator.commands.health import health, runs
from aggregator.commands.scheduler import run_once_command, scheduler

SHIM_PATH = Path(__file__).resolve()


def register() -> None:
    for command in (scheduler, run_once_command, health, runs):
        cli.add_command(command)


if __name__ == "__main__":
    register()
    sys.exit(main())
