"""The sandbox HTTP server: loopback only, threaded, usable in-process or as a subprocess.

The standard library server is used (not Twisted) so tests can run it in a background thread
next to Scrapy's reactor without sharing it. Bodies come from :class:`SandboxApp`'s byte cache,
so throughput is bound by HTTP parsing, not rendering.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from aggregator.sandbox.app import MarketLike, SandboxApp
from aggregator.sandbox.faults import Fault, Outcome
from aggregator.sandbox.model import BoardSpec


class LoopbackOnlyError(ValueError):
    """The sandbox refuses to listen anywhere but on the loopback interface."""


def check_loopback(host: str) -> None:
    """Raise :class:`LoopbackOnlyError` unless ``host`` is a loopback address."""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LoopbackOnlyError(
            f"the sandbox binds loopback only (127.0.0.1, ::1, localhost), not {host!r}"
        )


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    app: SandboxApp
    stopping: threading.Event
    quiet: bool


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            outcome = self.server.app.handle(self.command, self.path, headers, body)
        except Exception:  # a renderer bug must not kill the connection thread silently
            traceback.print_exc(file=sys.stderr)
            outcome = Outcome(500, b'{"error":"sandbox bug"}', {"Content-Type": "application/json"})
        stopping = self.server.stopping
        if outcome.hang:
            stopping.wait(outcome.hang)
            self.close_connection = True
            return
        if outcome.delay:
            stopping.wait(outcome.delay)
        self.send_response(outcome.status)
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        bodyless = outcome.status in (204, 304) or self.command == "HEAD"
        if outcome.status not in (204, 304):
            self.send_header("Content-Length", str(len(outcome.body)))
        self.end_headers()
        if bodyless or not outcome.body:
            return
        if outcome.truncate:
            self.wfile.write(outcome.body[: len(outcome.body) // 2])
            self.close_connection = True
            return
        self.wfile.write(outcome.body)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


class SandboxServer:
    """A running sandbox: ``start()`` in a background thread or ``serve_forever()`` in this one.

    Without a ``market`` it serves ``Market(seed, scale, epoch)`` advanced ``tick`` days; the
    epoch defaults to the fixed :data:`~aggregator.sandbox.market.EPOCH`: a server crawled
    into a store passes :func:`~aggregator.sandbox.market.live_epoch` (see the market's notes).
    """

    def __init__(
        self,
        market: MarketLike | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        boards: Sequence[BoardSpec] | None = None,
        seed: int = 1,
        scale: float = 1.0,
        tick: int = 0,
        epoch: datetime | None = None,
        faults: Mapping[str, Fault] | None = None,
        quiet: bool = True,
    ) -> None:
        check_loopback(host)
        if market is None:
            from aggregator.sandbox.market import EPOCH, Market

            market = Market(seed=seed, scale=scale, epoch=epoch or EPOCH)
            if tick:
                market.advance(tick)
        elif epoch is not None:
            raise ValueError("epoch is the market's: pass it to the Market, not the server")
        if boards is None:
            from aggregator.sandbox.boards import BOARDS

            boards = BOARDS
        server_class = _HTTPServer6 if ":" in host else _HTTPServer
        self._httpd: _HTTPServer = server_class((host, port), _Handler)
        self.host, self.port = host, int(self._httpd.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}"
        self.app = SandboxApp(market, boards, self.url, seed=seed, scale=scale)
        for board, fault in (faults or {}).items():
            if board not in self.app.boards:
                raise KeyError(f"unknown board {board!r}")
            self.app.faults.set(board, fault)
        self._httpd.app = self.app
        self._httpd.stopping = threading.Event()
        self._httpd.quiet = quiet
        self._thread: threading.Thread | None = None

    def board_url(self, key: str) -> str:
        """The base URL a catalogue gives this board: ``{url}/b/{key}``."""
        return f"{self.url}/b/{key}"

    def start(self) -> SandboxServer:
        """Serve from a daemon thread; returns self."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.stopping.set()
            self._httpd.server_close()

    def stop(self) -> None:
        """Stop serving, release hanging fault responses, close the socket."""
        self._httpd.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
