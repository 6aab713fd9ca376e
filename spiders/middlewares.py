"""Downloader middleware: retries that honour ``Retry-After`` and back off exponentially.

Scrapy's own retry middleware retries at once; a polite crawler waits: the server's
``Retry-After`` (seconds or an HTTP date, capped) on 429/503, otherwise an exponential
backoff with jitter. Waiting is asynchronous, so other sources keep crawling meanwhile.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds to wait (delta-seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry like Scrapy, but wait first: ``Retry-After`` or ``base * 2**attempt`` (+ jitter)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_cap = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.rng = random.Random()

    def delay_for(self, request: Request, response: Response | None) -> float:
        """How long to wait before retrying ``request``."""
        if response is not None and response.status in (429, 503):
            advised = retry_after_seconds(response.headers.get(b"Retry-After"))
            if advised is not None:
                return min(advised, self.retry_after_cap)
        attempt = int(request.meta.get("retry_times", 0))
        backoff = min(self.cap, self.base * 2**attempt)
        return backoff * (0.5 + self.rng.random() / 2)

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:  # Scrapy runs on the asyncio reactor: a plain asyncio sleep
            await asyncio.sleep(seconds)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(self.delay_for(request, response))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Any:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(self.delay_for(request, None))
        return retry
