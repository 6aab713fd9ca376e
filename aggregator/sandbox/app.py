"""The sandbox as a pure request -> response function: routing, caching, conditional GET, faults.

No sockets here (see :mod:`aggregator.sandbox.server`), so the whole behaviour can be driven
directly. Bodies are rendered once per (board, request, tick, faults) and cached as bytes.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from aggregator.sandbox import admin
from aggregator.sandbox.faults import (
    CONTENT_KINDS,
    Fault,
    FaultBook,
    Outcome,
    malform,
    mojibake,
    relayout,
)
from aggregator.sandbox.model import BoardPosting, BoardSpec, TruthRow
from aggregator.sandbox.render import RENDERERS
from aggregator.sandbox.render.base import BoardView, Reply, Request, json_reply

CACHE_LIMIT = 20_000


class MarketLike(Protocol):
    """What the server needs of :class:`aggregator.sandbox.market.Market`."""

    tick: int

    @property
    def now(self) -> datetime: ...

    def advance(self, ticks: int = 1) -> None: ...
    def postings(self, board: str) -> list[BoardPosting]: ...
    def truth(self) -> list[TruthRow]: ...


class SandboxApp:
    """Serves every board of a market; thread-safe."""

    def __init__(
        self,
        market: MarketLike,
        boards: Sequence[BoardSpec],
        base_url: str,
        seed: int | None = None,
        scale: float | None = None,
    ) -> None:
        self.market = market
        self.boards = {spec.key: spec for spec in boards}
        self.base_url = base_url.rstrip("/")
        self.seed, self.scale = seed, scale
        self.faults = FaultBook()
        self._lock = threading.RLock()
        self._cache: dict[tuple[Any, ...], Reply] = {}
        self._postings: dict[str, list[BoardPosting]] = {}
        self._generation = 0

    def advance(self, ticks: int = 1) -> int:
        """Move the market clock and drop every cached body."""
        with self._lock:
            self.market.advance(ticks)
            self._postings.clear()
            self._cache.clear()
            self._generation += 1
            return self.market.tick

    def postings(self, board: str) -> list[BoardPosting]:
        """The board's open postings at this tick (memoized per tick)."""
        with self._lock:
            found = self._postings.get(board)
            if found is None:
                found = self._postings[board] = list(self.market.postings(board))
            return found

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes = b""
    ) -> Outcome:
        """Answer one request; ``headers`` have lower-case names."""
        parts = urlsplit(target)
        path = parts.path
        if path.startswith("/b/"):
            key, _, rest = path[3:].partition("/")
            if key in self.boards:
                return self._board(self.boards[key], method, "/" + rest, parts.query, headers, body)
            return _plain(404, json_reply({"error": f"unknown board {key!r}"}))
        return admin.route(self, method, path, parse_qs(parts.query), body)

    def _board(
        self,
        spec: BoardSpec,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
    ) -> Outcome:
        fault = self.faults.take(spec.key)
        kinds = fault.kinds if fault else frozenset()
        early = _transport_fault(fault)
        if early is not None:
            return early
        verb = "GET" if method == "HEAD" else method
        key = (
            spec.key,
            verb,
            path,
            query,
            body,
            headers.get("authorization", ""),
            kinds & CONTENT_KINDS,
        )
        with self._lock:
            reply, generation = self._cache.get(key), self._generation
        if reply is None:
            reply = self._render(spec, verb, path, query, headers, body, kinds)
            with self._lock:
                if generation == self._generation:
                    if len(self._cache) >= CACHE_LIMIT:
                        self._cache.clear()
                    self._cache[key] = reply
        outcome = _conditional(reply, headers)
        if fault is not None:
            outcome.delay = fault.delay if "slow" in kinds else 0.0
            outcome.truncate = "truncated" in kinds and outcome.status == 200
        return outcome

    def _render(
        self,
        spec: BoardSpec,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        kinds: frozenset[str],
    ) -> Reply:
        postings = [] if "empty" in kinds else self.postings(spec.key)
        view = BoardView(
            spec, postings, self.market.now, f"{self.base_url}/b/{spec.key}", "loop" in kinds
        )
        request = Request(method, path, parse_qs(query, keep_blank_values=True), body, headers)
        reply = RENDERERS[spec.kind].handle(view, request)
        if reply.status == 200 and reply.body:
            if "layout" in kinds:
                reply.body = relayout(reply.body, spec.kind)
            if "malformed" in kinds:
                reply.body = malform(reply.body)
            if "encoding" in kinds:
                reply.body, reply.content_type = mojibake(reply.body, reply.content_type)
        if reply.conditional:
            reply.headers["ETag"] = '"' + hashlib.sha1(reply.body).hexdigest()[:20] + '"'
            reply.headers["Last-Modified"] = format_datetime(
                reply.last_modified or view.last_modified(), usegmt=True
            )
        return reply


def _transport_fault(fault: Fault | None) -> Outcome | None:
    if fault is None:
        return None
    kinds = fault.kinds
    if "timeout" in kinds:
        return Outcome(status=504, hang=fault.hang)
    for kind, status in (("http_429", 429), ("http_503", 503), ("http_500", 500)):
        if kind in kinds:
            messages = {
                429: "Too Many Requests",
                503: "Service Unavailable",
                500: "Internal Server Error",
            }
            headers = {"Content-Type": "application/json"}
            if status in (429, 503):
                headers["Retry-After"] = str(fault.retry_after)
            body = f'{{"error":"{messages[status]}"}}'.encode()
            return Outcome(
                status=status,
                body=body,
                headers=headers,
                delay=fault.delay if "slow" in kinds else 0.0,
            )
    return None


def _conditional(reply: Reply, headers: dict[str, str]) -> Outcome:
    out = {"Content-Type": reply.content_type, **reply.headers}
    if reply.conditional and reply.status == 200:
        etag = reply.headers["ETag"]
        match = headers.get("if-none-match")
        if match is not None:
            if match.strip() == "*" or etag in [
                m.strip().removeprefix("W/") for m in match.split(",")
            ]:
                return Outcome(
                    status=304, headers={"ETag": etag, "Last-Modified": out["Last-Modified"]}
                )
        elif "if-modified-since" in headers:
            try:
                since = parsedate_to_datetime(headers["if-modified-since"])
                last = parsedate_to_datetime(out["Last-Modified"])
            except (TypeError, ValueError):
                since = None
            if since is not None and since.tzinfo is not None and last <= since.astimezone(UTC):
                return Outcome(
                    status=304, headers={"ETag": etag, "Last-Modified": out["Last-Modified"]}
                )
    return Outcome(status=reply.status, body=reply.body, headers=out)


def _plain(status: int, reply: Reply) -> Outcome:
    return Outcome(status=status, body=reply.body, headers={"Content-Type": reply.content_type})
