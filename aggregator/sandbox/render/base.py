"""Request, reply and board view types shared by every format renderer.

A renderer is a pure function of (board view, request): it never looks at the wall clock
or global state, so the server can cache its bytes per (board, request, tick).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aggregator.sandbox.model import BoardPosting, BoardSpec

T = TypeVar("T")

JSON = "application/json; charset=utf-8"
XML = "application/xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Request:
    """The parts of an HTTP request a renderer may look at (path relative to the board root)."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name: str, default: int, lo: int = 0, hi: int | None = None) -> int:
        """A query parameter as a bounded int; junk falls back to the default like lax APIs do."""
        raw = self.arg(name)
        try:
            value = int(raw) if raw is not None else default
        except ValueError:
            value = default
        value = max(lo, value)
        return min(hi, value) if hi is not None else value


@dataclass(slots=True)
class Reply:
    """A rendered response; ``conditional`` replies get ETag/Last-Modified and may answer 304."""

    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = False
    last_modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class BoardView:
    """What a renderer sees of one board at one tick."""

    spec: BoardSpec
    postings: Sequence[BoardPosting]  # newest first
    now: datetime  # the market clock
    base_url: str  # sandbox root of this board, e.g. http://127.0.0.1:8765/b/gh-foo
    endless: bool = False  # the "loop" fault: pagination never ends

    def opt(self, name: str, default: str) -> str:
        """Kind-specific board option with a default."""
        return self.spec.options.get(name, default)

    def find(self, offer_id: str) -> BoardPosting | None:
        """One posting by its board id (detail endpoints)."""
        for posting in self.postings:
            if posting.source_offer_id == offer_id:
                return posting
        return None

    def last_modified(self) -> datetime:
        """Newest change on the board (the market clock when the board is empty)."""
        return max((p.updated_at for p in self.postings), default=self.now)


def not_found(message: str = "Not Found") -> Reply:
    """A JSON 404 like most APIs send."""
    return json_reply({"error": message}, status=404)


def json_bytes(value: Any) -> bytes:
    """Deterministic compact JSON, UTF-8 (non-ASCII kept, as real APIs do)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_reply(value: Any, status: int = 200, conditional: bool = False) -> Reply:
    """A JSON reply."""
    return Reply(status=status, body=json_bytes(value), conditional=conditional)


def page(items: Sequence[T], offset: int, limit: int) -> list[T]:
    """One slice of a listing."""
    return list(items[offset : offset + limit]) if limit > 0 else []


def iso_z(value: datetime, ms: bool = False) -> str:
    """UTC ISO 8601 with a Z, optionally with milliseconds."""
    utc = value.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if ms:
        text += f".{utc.microsecond // 1000:03d}"
    return text + "Z"


def iso_local(value: datetime, zone: str) -> str:
    """ISO 8601 in a local zone with its offset (Greenhouse style)."""
    return value.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


def naive_text(value: datetime, sep: str = " ") -> str:
    """A zone-less timestamp (Jobicy, Remotive write UTC without saying so)."""
    return value.astimezone(UTC).strftime(f"%Y-%m-%d{sep}%H:%M:%S")


def rfc822(value: datetime) -> str:
    """RFC 822 date for RSS and HTTP headers."""
    utc = value.astimezone(UTC)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return (
        f"{days[utc.weekday()]}, {utc.day:02d} {months[utc.month - 1]} {utc.year} "
        f"{utc.strftime('%H:%M:%S')} +0000"
    )


def epoch_s(value: datetime) -> int:
    """Unix seconds."""
    return int(value.timestamp())


def epoch_ms(value: datetime) -> int:
    """Unix milliseconds."""
    return int(value.timestamp() * 1000)


# Block-level tags: a board's text twin parts the words on either side (Adzuna's recorded
# descriptions read "Location: London About us: ...", never "LondonAbout").
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|table|section)\b[^>]*>", re.I)


def plain(html_text: str) -> str:
    """Crude tag stripping for *Plain twins of HTML fields; block tags become spaces."""
    out: list[str] = []
    depth = 0
    for char in _BLOCK_TAG.sub(" ", html_text):
        if char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(char)
    return " ".join(html.unescape("".join(out)).split())


def slug(text: str) -> str:
    """ASCII URL slug of a title ("Développeur·se" -> "developpeur-se")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    keep = [c.lower() if c.isalnum() else "-" for c in ascii_text]
    return "-".join(part for part in "".join(keep).split("-") if part)


def zone_for(country: str) -> str:
    """A plausible local zone for a board's country (local offsets in timestamps)."""
    zones = {
        "FR": "Europe/Paris",
        "DE": "Europe/Berlin",
        "GB": "Europe/London",
        "US": "America/New_York",
    }
    return zones.get(country.upper(), "Europe/Paris")


def with_salary(posting: BoardPosting) -> str:
    """Description HTML with the salary line appended, for formats with no salary field."""
    if posting.salary_text and posting.salary_text not in posting.description_html:
        return f"{posting.description_html}<p>{html.escape(posting.salary_text, quote=False)}</p>"
    return posting.description_html


def numeric_id(offer_id: str) -> int | str:
    """Ids that real APIs send as JSON numbers stay numbers when they are digits."""
    return int(offer_id) if offer_id.isdigit() else offer_id


def stable_pick(offer_id: str, modulo: int) -> int:
    """A deterministic small number from an id (per-posting variants without an RNG)."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(offer_id)) % modulo


def cdata(text: str) -> str:
    """Wrap text in CDATA, splitting any ']]>' it contains."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_lines(html_text: str) -> str:
    """HTML to plain text keeping paragraph and list breaks as newlines (France Travail style)."""
    marked = html_text
    for tag in ("</p>", "<br>", "<br/>", "<br />", "</li>", "</h2>", "</h3>"):
        marked = marked.replace(tag, tag + "\n")
    marked = marked.replace("<li>", "<li>- ")
    lines = [" ".join(plain(line).split()) for line in marked.split("\n")]
    return "\n".join(line for line in lines if line)
