"""Scrapy settings: polite by default, with per-source overrides from the catalogue."""

from __future__ import annotations

import os
from typing import Any

from aggregator.catalogue import SourceEntry

CONTACT_ENV = "AGGREGATOR_CONTACT_URL"
DEFAULT_CONTACT = "https://github.com/job-aggregator/job-aggregator"
TIMEOUT_ENV = "AGGREGATOR_DOWNLOAD_TIMEOUT"
DEFAULT_TIMEOUT = 30.0


def user_agent() -> str:
    """An honest User-Agent naming the product and where to reach its operators."""
    contact = os.environ.get(CONTACT_ENV) or DEFAULT_CONTACT
    return f"job-aggregator/0.1 (+{contact})"


def download_timeout() -> float:
    """Seconds before a request times out: ``$AGGREGATOR_DOWNLOAD_TIMEOUT``, else 30."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise ValueError(f"{TIMEOUT_ENV} must be a positive number of seconds, not {raw!r}")
    return value


def base_settings(*, polite: bool = True) -> dict[str, Any]:
    """Process-wide settings; ``polite=False`` removes delays (benchmarks, sandbox tests)."""
    settings: dict[str, Any] = {
        "USER_AGENT": user_agent(),
        "ROBOTSTXT_OBEY": True,
        "LOG_INSTALL_ROOT_HANDLER": False,  # records go to our root handler (schedules.logs)
        "LOG_LEVEL": "WARNING",
        "REMOTE_CONTROL_ENABLED": False,  # never open a control port from a crawl
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "DOWNLOAD_TIMEOUT": download_timeout(),
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "spiders.middlewares.BackoffRetryMiddleware": 550,
        },
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "CONCURRENT_REQUESTS": 64,
    }
    if polite:
        settings.update(
            {
                "AUTOTHROTTLE_ENABLED": True,
                "AUTOTHROTTLE_START_DELAY": 1.0,
                "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
                "DOWNLOAD_DELAY": 1.0,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
            }
        )
    else:
        settings.update(
            {
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                "RETRY_BACKOFF_BASE": 0.05,
            }
        )
    return settings


def source_settings(source: SourceEntry, *, polite: bool = True) -> dict[str, Any]:
    """A source's own settings: its politeness overrides and its request budget."""
    overrides: dict[str, Any] = {}
    rules = source.politeness
    if polite and rules.download_delay is not None:
        overrides["DOWNLOAD_DELAY"] = rules.download_delay
    if rules.concurrency is not None:
        overrides["CONCURRENT_REQUESTS_PER_DOMAIN"] = rules.concurrency
    if rules.obey_robots is not None:
        overrides["ROBOTSTXT_OBEY"] = rules.obey_robots
    if rules.max_requests is not None:
        overrides["CLOSESPIDER_PAGECOUNT"] = rules.max_requests
    return overrides
