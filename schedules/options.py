"""Command-line options shared by ``scheduler``, ``run-once`` and ``health``.

The breaker options read the same environment variables in every command, so a service unit
that sets ``AGGREGATOR_COOLDOWN`` gives the scheduler and ``aggregator health`` one policy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import click

from schedules.policy import HealthPolicy, parse_duration

F = TypeVar("F", bound=Callable[..., Any])


class Duration(click.ParamType):
    """``90s``, ``30m``, ``6h``, ``1d`` on the command line."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DURATION = Duration()


def policy_options(func: F) -> F:
    """``--cooldown``, ``--cooldown-cap`` and ``--failures`` (the circuit breaker)."""
    func = click.option(
        "--failures",
        "breaker_after",
        type=click.IntRange(min=1),
        default=3,
        show_default=True,
        envvar="AGGREGATOR_BREAKER_FAILURES",
        help="Failed runs in a row that open the circuit breaker.",
    )(func)
    func = click.option(
        "--cooldown-cap",
        type=DURATION,
        default="24h",
        show_default=True,
        envvar="AGGREGATOR_COOLDOWN_CAP",
        help="Longest cool-down.",
    )(func)
    return click.option(
        "--cooldown",
        type=DURATION,
        default="6h",
        show_default=True,
        envvar="AGGREGATOR_COOLDOWN",
        help="First cool-down once the breaker opens (doubles with each further failure).",
    )(func)


def make_policy(cooldown: timedelta, cooldown_cap: timedelta, breaker_after: int) -> HealthPolicy:
    return HealthPolicy(
        breaker_after=breaker_after, cooldown=cooldown, cooldown_cap=max(cooldown, cooldown_cap)
    )
