"""The health rules on run histories written out by hand: each state, each reason, the breaker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schedules.health import RunView, assess, run_problems
from schedules.policy import HealthPolicy, parse_duration

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FILL = {"title": 1.0, "company": 0.95, "location": 0.8, "salary": 0.5, "date": 1.0}


def run(n: int, status: str = "ok", hours_ago: float = 0, **values: Any) -> RunView:
    """Run ``n`` of source ``s``; ``n`` grows with time, ``hours_ago`` places it."""
    started = NOW - timedelta(hours=hours_ago, minutes=5)
    stats = {"fill": values.pop("fill", FILL), "suspicious": values.pop("suspicious", None)}
    values.setdefault("items", 100)
    return RunView(
        id=n,
        source="s",
        status=status,
        started_at=started,
        finished_at=started + timedelta(minutes=4),
        stats=stats,
        **values,
    )


def good_history(count: int = 4, start_hours: float = 6) -> list[RunView]:
    return [run(i, hours_ago=start_hours + 6 * i) for i in range(count)]


def test_regular_successes_are_healthy() -> None:
    health = assess("s", good_history(), now=NOW, gap=timedelta(hours=6))
    assert health.state == "healthy"
    assert health.reason == "last run ok: 100 offers"
    assert health.consecutive_failures == 0 and health.cooldown_until is None
    assert health.fill == FILL and health.parse_error_rate == 0.0
    assert [y["items"] for y in health.recent_yield] == [100, 100, 100, 100]


def test_failures_count_until_a_success_and_open_the_breaker_at_three() -> None:
    failed = [run(10 + i, "failed", hours_ago=i, error="HTTP 500") for i in range(3)]
    health = assess("s", failed + good_history(), now=NOW, gap=timedelta(hours=6))
    assert health.state == "failing"
    assert health.consecutive_failures == 3
    assert health.cooldown_until == failed[0].ended + timedelta(hours=6)
    assert health.reason.startswith("3 failed runs in a row: HTTP 500; cooling down until")
    two = assess("s", failed[:2] + good_history(), now=NOW, gap=timedelta(hours=6))
    assert two.state == "failing" and two.cooldown_until is None
    assert two.reason == "2 failed runs in a row: HTTP 500"


def test_interrupted_runs_neither_fail_nor_break_a_failure_streak() -> None:
    runs = [
        run(13, "interrupted", hours_ago=0.5),
        run(12, "failed", hours_ago=1, error="timeout"),
        run(11, "interrupted", hours_ago=2),
        run(10, "failed", hours_ago=3, error="timeout"),
        *good_history(),
    ]
    health = assess("s", runs, now=NOW, gap=timedelta(hours=6))
    assert health.consecutive_failures == 2
    assert health.last_run_id == 13


@pytest.mark.parametrize(
    ("failures", "cooldown"),
    [(2, None), (3, timedelta(hours=6)), (4, timedelta(hours=12)), (5, timedelta(hours=24)),
     (9, timedelta(hours=24))],
)  # fmt: skip
def test_cooldown_doubles_and_is_capped(failures: int, cooldown: timedelta | None) -> None:
    assert HealthPolicy().cooldown_for(failures) == cooldown


def test_the_breaker_closes_after_its_cooldown_and_the_source_is_tried_again() -> None:
    failed = [run(10 + i, "failed", hours_ago=7 + i, error="HTTP 503") for i in range(3)]
    health = assess("s", failed, now=NOW, gap=timedelta(hours=6))
    assert health.state == "failing" and not health.cooling_down(NOW)
    assert "cooling down" not in health.reason


def test_yield_under_half_the_median_is_degraded() -> None:
    runs = [run(9, items=40), *good_history()]
    health = assess("s", runs, now=NOW, gap=timedelta(hours=6))
    assert health.state == "degraded"
    assert health.reason == "yield 40 is under half its recent median 100"


def test_the_crawls_own_suspicion_is_the_reason() -> None:
    runs = [run(9, items=0, suspicious="returned no offers (usually 100)"), *good_history()]
    health = assess("s", runs, now=NOW, gap=timedelta(hours=6))
    assert (health.state, health.reason) == ("degraded", "returned no offers (usually 100)")


def test_parse_errors_above_five_percent_are_degraded() -> None:
    ok = assess("s", [run(9, items=95, parse_errors=5), *good_history()], now=NOW, gap=None)
    assert ok.state == "healthy"
    bad = assess("s", [run(9, items=90, parse_errors=10), *good_history()], now=NOW, gap=None)
    assert bad.state == "degraded"
    assert bad.reason == "parse errors 10% of records (limit 5%)"


def test_a_key_fields_collapsed_fill_rate_is_a_changed_layout() -> None:
    layout = {**FILL, "company": 0.1, "salary": 0.3}
    health = assess("s", [run(9, fill=layout), *good_history()], now=NOW, gap=None)
    assert health.state == "degraded"
    # salary dropped from 50% to 30%: not under half, so not reported
    assert health.reason == "company fill rate collapsed to 10% (usually 95%)"


def test_a_field_that_is_rarely_filled_cannot_collapse() -> None:
    sparse = {**FILL, "salary": 0.1}
    history = [run(i, hours_ago=6 * i + 6, fill=sparse) for i in range(3)]
    health = assess("s", [run(9, fill={**sparse, "salary": 0.0}), *history], now=NOW, gap=None)
    assert health.state == "healthy"


def test_empty_runs_do_not_drag_the_fill_baseline_down() -> None:
    empty = [run(5 + i, items=0, fill=dict.fromkeys(FILL, 0.0), hours_ago=3 + i) for i in range(3)]
    recovered = assess("s", [run(9), *empty, *good_history(2, 10)], now=NOW, gap=timedelta(hours=6))
    assert recovered.state == "healthy", recovered.reason


def test_fill_rates_of_a_run_that_parsed_no_posting_are_ignored() -> None:
    unread = dict.fromkeys(FILL, 0.0)  # items seen unchanged, none re-read
    health = assess("s", [run(9, fill=unread), *good_history()], now=NOW, gap=None)
    assert health.state == "healthy" and health.fill == {}


def test_partial_runs_are_degraded_with_their_error() -> None:
    health = assess("s", [run(9, "partial", error="3 requests failed"), *good_history()],
                    now=NOW, gap=None)  # fmt: skip
    assert (health.state, health.reason) == ("degraded", "last run partial: 3 requests failed")


def test_no_success_for_twice_the_interval_is_stale() -> None:
    health = assess("s", good_history(start_hours=13), now=NOW, gap=timedelta(hours=6))
    assert health.state == "stale"
    assert health.reason == "no successful run for 13h (expected every 6h)"
    fresh = assess("s", good_history(start_hours=11), now=NOW, gap=timedelta(hours=6))
    assert fresh.state == "healthy"


def test_a_source_never_crawled_is_new_then_stale() -> None:
    new = assess("s", [], now=NOW, gap=timedelta(hours=6), known_since=NOW - timedelta(hours=1))
    assert (new.state, new.reason) == ("healthy", "new source, not crawled yet")
    old = assess("s", [], now=NOW, gap=timedelta(hours=6), known_since=NOW - timedelta(days=1))
    assert (old.state, old.reason) == ("stale", "no successful run yet")


def test_failing_outranks_degraded_and_a_running_crawl_is_flagged() -> None:
    runs = [run(11, "running"), run(10, "failed", error="boom"), run(9, items=1), *good_history()]
    health = assess("s", runs, now=NOW, gap=timedelta(hours=6))
    assert health.state == "failing" and health.running


def test_run_problems_compares_with_previous_successes_only() -> None:
    current = run(9, items=100)
    assert run_problems(current, []) == []
    assert run_problems(current, good_history()) == []
    assert run_problems(run(9, items=10), good_history()) == [
        "yield 10 is under half its recent median 100"
    ]


def test_durations_read_like_the_catalogue() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("0.5s") == timedelta(seconds=0.5)
    assert parse_duration("6h") == timedelta(hours=6)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("six hours")
