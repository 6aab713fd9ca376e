"""A short-lived answer cache in front of the read endpoints, invalidated when the data changes.

A portal's traffic repeats itself (landing page, popular searches, the first page of a city):
the same URL asked twice while the store's data is unchanged has the same answer. This ASGI
middleware keeps, per worker, the bytes of successful ``GET`` answers of :data:`CACHED_PATHS`
keyed by path and query string, for at most ``ttl`` seconds **and** only while the store's data
version (:class:`aggregator.api.cache.DataVersion`, read on every request before the answer is
computed) is the one they were computed at. A hit skips parameter parsing, SQL and
serialization. Errors and answers larger than :data:`MAX_BYTES` are not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.api.cache import TtlCache

CACHED_PATHS = ("/offers", "/facets", "/sources")
MAX_BYTES = 128 * 1024  # a page of 100 offers is about 90 KB
HIT_HEADER = (b"x-answer-cache", b"hit")


def _cacheable(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    path: str = scope["path"]
    return path in CACHED_PATHS or path.startswith("/offers/")


class AnswerCache:
    """ASGI middleware: replay a stored answer when the URL and the data version match."""

    def __init__(
        self, app: ASGIApp, ttl: float, version: Callable[[], Hashable | None], size: int = 512
    ) -> None:
        self.app, self.version = app, version
        self.cache = TtlCache(ttl, size=size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.cache.ttl <= 0 or not _cacheable(scope):
            await self.app(scope, receive, send)
            return
        version = self.version()
        key = (scope["path"], scope["query_string"])
        stored = self.cache.get(key, version)
        if stored is not None:
            status, headers, body = stored
            await send(
                {"type": "http.response.start", "status": status, "headers": [*headers, HIT_HEADER]}
            )
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        size = 0

        async def keep(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and size <= MAX_BYTES:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                done = not message.get("more_body", False)
                if done and start.get("status") == 200 and size <= MAX_BYTES:
                    answer = (200, list(start.get("headers", [])), b"".join(chunks))
                    self.cache.put(key, version, answer)
            await send(message)

        await self.app(scope, receive, keep)
