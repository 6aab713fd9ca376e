"""Prometheus metrics of the scheduler, served on ``--metrics-port`` at ``/metrics``.

Counters and histograms are fed as runs finish; the per-source gauges are re-read from the
health snapshot after every run and at every scrape interval of the main loop, so a source's
state is visible even before the scheduler has run it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from schedules.health import STATES, RunView, SourceHealth

DURATION_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600)


class Metrics:
    """The scheduler's metrics, on a registry of their own (no clash with library defaults)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.runs = Counter(
            "aggregator_crawl_runs", "Finished crawl runs.", ["source", "status"], registry=r
        )
        self.postings = Counter(
            "aggregator_postings_fetched", "Postings seen by crawls.", ["source"], registry=r
        )
        self.new = Counter(
            "aggregator_postings_new", "New postings found by crawls.", ["source"], registry=r
        )
        self.duration = Histogram(
            "aggregator_crawl_duration_seconds",
            "Wall time of crawl children.",
            ["source"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.state = Gauge(
            "aggregator_source_state",
            "1 for the source's current health state, 0 for the others.",
            ["source", "state"],
            registry=r,
        )
        self.failures = Gauge(
            "aggregator_source_consecutive_failures",
            "Failed runs in a row.",
            ["source"],
            registry=r,
        )
        self.last_success = Gauge(
            "aggregator_source_last_success_timestamp_seconds",
            "Unix time of the source's last successful run.",
            ["source"],
            registry=r,
        )
        self.cooldown = Gauge(
            "aggregator_source_cooldown_until_timestamp_seconds",
            "Unix time until which the circuit breaker holds the source (0: closed).",
            ["source"],
            registry=r,
        )
        self.active = Gauge("aggregator_crawls_running", "Crawl children running now.", registry=r)
        self.skipped = Counter(
            "aggregator_crawls_skipped",
            "Crawls not started (already running, cooling down, stopping, missed).",
            ["source", "reason"],
            registry=r,
        )
        self._server: Any = None

    def observe_run(self, run: RunView, seconds: float) -> None:
        """Count one finished run."""
        self.runs.labels(run.source, run.status).inc()
        self.postings.labels(run.source).inc(run.items)
        self.new.labels(run.source).inc(run.new)
        self.duration.labels(run.source).observe(seconds)

    def observe_health(self, healths: Iterable[SourceHealth], now: datetime) -> None:
        """Set the per-source gauges from a health reading."""
        for h in healths:
            for state in STATES:
                self.state.labels(h.source, state).set(1 if h.state == state else 0)
            self.failures.labels(h.source).set(h.consecutive_failures)
            if h.last_success_at is not None:
                self.last_success.labels(h.source).set(h.last_success_at.timestamp())
            until = h.cooldown_until if h.cooling_down(now) else None
            self.cooldown.labels(h.source).set(until.timestamp() if until else 0)

    def serve(self, port: int, addr: str = "127.0.0.1") -> int:
        """Expose ``/metrics`` over HTTP; returns the bound port (0 picks a free one)."""
        server, _thread = start_http_server(port, addr=addr, registry=self.registry)
        self._server = server
        return int(server.server_address[1])

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
