"""Faults the sandbox injects per board, and the body damage some of them do.

Transport faults (``http_500``, ``http_503``, ``http_429``, ``timeout``, ``slow``, ``truncated``)
are applied by the server; content faults (``empty``, ``loop``) change what a renderer sees;
body faults (``malformed``, ``encoding``, ``layout``) damage rendered bytes; ``robots`` adds the
board to ``/robots.txt``. A fault may be limited to the next ``count`` requests (retry tests).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

KINDS: tuple[str, ...] = (
    "http_500",
    "http_503",
    "http_429",
    "timeout",
    "slow",
    "truncated",
    "malformed",
    "encoding",
    "robots",
    "loop",
    "empty",
    "layout",
)
CONTENT_KINDS = frozenset({"empty", "loop", "malformed", "encoding", "layout"})


class FaultError(ValueError):
    """A fault request names an unknown kind or is not well formed."""


@dataclass(slots=True)
class Fault:
    """The faults switched on for one board."""

    kinds: frozenset[str]
    count: int | None = None  # requests left before the fault clears itself; None = until cleared
    delay: float = 2.0  # seconds, for "slow"
    hang: float = 35.0  # seconds without an answer, for "timeout"
    retry_after: int = 30  # seconds, for "http_429" and "http_503"

    def describe(self) -> dict[str, Any]:
        """JSON-ready form for ``/_admin/state``."""
        return {
            "kinds": sorted(self.kinds),
            "count": self.count,
            "delay": self.delay,
            "hang": self.hang,
            "retry_after": self.retry_after,
        }


def make_fault(kinds: list[str] | str, **options: Any) -> Fault:
    """Validate kinds (a list or a comma-separated string) and build a :class:`Fault`."""
    names = [
        k.strip() for k in (kinds.split(",") if isinstance(kinds, str) else kinds) if k.strip()
    ]
    unknown = sorted(set(names) - set(KINDS))
    if not names or unknown:
        raise FaultError(f"unknown fault kind(s) {unknown or names}; known: {', '.join(KINDS)}")
    try:
        count = options.get("count")
        return Fault(
            kinds=frozenset(names),
            count=int(count) if count is not None else None,
            delay=float(options.get("delay", 2.0)),
            hang=float(options.get("hang", 35.0)),
            retry_after=int(options.get("retry_after", 30)),
        )
    except (TypeError, ValueError) as error:
        raise FaultError(f"bad fault option: {error}") from error


def parse_fault_arg(text: str) -> tuple[str, Fault]:
    """``BOARD=KIND[,KIND]`` (the ``--fault`` option) to a board key and its fault."""
    board, sep, kinds = text.partition("=")
    if not sep or not board.strip():
        raise FaultError(f"expected BOARD=KIND[,KIND], got {text!r}")
    return board.strip(), make_fault(kinds)


@dataclass
class FaultBook:
    """Thread-safe register of active faults; ``version`` changes whenever it changes."""

    _faults: dict[str, Fault] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    version: int = 0

    def set(self, board: str, fault: Fault) -> None:
        """Switch faults on for a board (replacing earlier ones)."""
        with self._lock:
            self._faults[board] = fault
            self.version += 1

    def clear(self, board: str | None = None) -> bool:
        """Clear one board's faults (or all); says whether anything was cleared."""
        with self._lock:
            self.version += 1
            if board is None:
                had = bool(self._faults)
                self._faults.clear()
                return had
            return self._faults.pop(board, None) is not None

    def take(self, board: str) -> Fault | None:
        """The fault for one request to a board, counting the request against ``count``."""
        with self._lock:
            fault = self._faults.get(board)
            if fault is None or fault.count is None:
                return fault
            fault.count -= 1
            if fault.count <= 0:
                del self._faults[board]
                self.version += 1
            return fault

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """All active faults, JSON-ready."""
        with self._lock:
            return {board: f.describe() for board, f in sorted(self._faults.items())}

    def robots_txt(self) -> str:
        """``/robots.txt`` for the host: boards with the ``robots`` fault are disallowed."""
        with self._lock:
            blocked = sorted(b for b, f in self._faults.items() if "robots" in f.kinds)
        lines = ["User-agent: *", "Disallow: /_admin/"]
        lines += [f"Disallow: /b/{board}/" for board in blocked]
        return "\n".join(lines) + "\n"


@dataclass(slots=True)
class Outcome:
    """A response plus what the transport must do with it (wait, hang, cut the body)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: float = 0.0
    truncate: bool = False


@cache
def _layouts() -> dict[str, dict[str, str]]:
    text = (resources.files("data") / "sandbox" / "fault_layouts.yaml").read_text(encoding="utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


def relayout(body: bytes, kind: str) -> bytes:
    """Rename the kind's fields (JSON keys and XML elements) as a changed layout would."""
    text = body.decode("utf-8")
    for old, new in _layouts().get(kind, {}).items():
        text = re.sub(rf'"{re.escape(old)}"(\s*):', rf'"{new}"\1:', text)
        text = re.sub(rf"<(/?){re.escape(old)}([\s>/])", rf"<\1{new}\2", text)
    return text.encode("utf-8")


def malform(body: bytes) -> bytes:
    """Break the syntax: doubled commas in JSON, a raw ampersand and an unclosed tag in XML."""
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        return body.replace(head, head + b",,", 1)
    if b"application/ld+json" in body:
        return re.sub(rb"(<script type=\"application/ld\+json\">\s*[\[{])", rb"\1,,", body, count=1)
    if head == b"<":
        close = body.rfind(b"</")
        return (
            body[:close] + b"<broken & unclosed>" + body[close:]
            if close > 0
            else body + b"<broken &"
        )
    return body[: len(body) // 2]


def mojibake(body: bytes, content_type: str) -> tuple[bytes, str]:
    """Double-encode the text (UTF-8 read as Latin-1: "é" -> "Ã©") and declare ISO-8859-1."""
    wrong = re.sub(r"charset=[\w-]+", "charset=ISO-8859-1", content_type)
    if "charset=" not in wrong:
        wrong += "; charset=ISO-8859-1"
    body = body.decode("utf-8").encode("utf-8").decode("latin-1").encode("utf-8")
    body = re.sub(rb'encoding="[\w-]+"', b'encoding="ISO-8859-1"', body, count=1)
    body = body.replace(b'<meta charset="utf-8">', b'<meta charset="iso-8859-1">', 1)
    return body, wrong
