"""Prometheus metrics: what a run and a health reading expose, over real HTTP."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime, timedelta

from schedules.health import RunView, SourceHealth
from schedules.metrics import Metrics

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_runs_and_states_are_served_on_the_metrics_endpoint() -> None:
    metrics = Metrics()
    run = RunView(id=1, source="lever-acme", status="ok", started_at=NOW, items=120, new=7)
    metrics.observe_run(run, 42.0)
    metrics.observe_run(RunView(id=2, source="lever-acme", status="failed", started_at=NOW), 3.0)
    metrics.observe_health(
        [
            SourceHealth(
                source="lever-acme",
                state="failing",
                reason="x",
                consecutive_failures=3,
                last_success_at=NOW - timedelta(hours=1),
                cooldown_until=NOW + timedelta(hours=6),
            )
        ],
        NOW,
    )
    port = metrics.serve(0)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    finally:
        metrics.close()
    lines = set(text.splitlines())
    assert 'aggregator_crawl_runs_total{source="lever-acme",status="ok"} 1.0' in lines
    assert 'aggregator_crawl_runs_total{source="lever-acme",status="failed"} 1.0' in lines
    assert 'aggregator_postings_fetched_total{source="lever-acme"} 120.0' in lines
    assert 'aggregator_postings_new_total{source="lever-acme"} 7.0' in lines
    assert 'aggregator_crawl_duration_seconds_count{source="lever-acme"} 2.0' in lines
    assert 'aggregator_source_state{source="lever-acme",state="failing"} 1.0' in lines
    assert 'aggregator_source_state{source="lever-acme",state="healthy"} 0.0' in lines
    assert 'aggregator_source_consecutive_failures{source="lever-acme"} 3.0' in lines
    until = (NOW + timedelta(hours=6)).timestamp()
    prefix = 'aggregator_source_cooldown_until_timestamp_seconds{source="lever-acme"} '
    assert [float(x.split()[-1]) for x in lines if x.startswith(prefix)] == [until]
