"""The thresholds that turn run history into a state: circuit breaker and alarm limits.

Defaults follow issue 7 (3 failures -> 6 h cool-down, doubling, capped at 24 h; parse errors
above 5 %; yield or a key field's fill rate under half its recent median; stale after twice
the schedule's interval). Commands take ``--cooldown``/``--cooldown-cap`` so tests (and a
cautious first deployment) can shorten them; the scheduler and ``aggregator health`` should be
given the same values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
KEY_FIELDS: tuple[str, ...] = ("title", "company", "location", "salary", "date")


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    """How many failures open the breaker, for how long, and what counts as degraded."""

    breaker_after: int = 3
    cooldown: timedelta = timedelta(hours=6)
    cooldown_cap: timedelta = timedelta(hours=24)
    window: int = 10  # runs of a source looked at for medians
    yield_drop: float = 0.5
    parse_error_limit: float = 0.05
    fill_drop: float = 0.5
    fill_floor: float = 0.2  # a field usually filled less than this cannot "collapse"
    stale_factor: float = 2.0

    def cooldown_for(self, consecutive_failures: int) -> timedelta | None:
        """The cool-down after this many failures in a row (None: the breaker stays closed)."""
        if consecutive_failures < self.breaker_after:
            return None
        doublings = min(consecutive_failures - self.breaker_after, 16)
        return min(self.cooldown * (2**doublings), self.cooldown_cap)


def parse_duration(text: str) -> timedelta:
    """``0.5s``, ``90s``, ``30m``, ``6h``, ``1d`` (the catalogue's syntax, plus fractions)."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration like 90s, 30m, 6h or 1d")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
