"""End-to-end field accuracy on the sandbox market: wire format -> parser -> mapping -> truth.

Every sandbox board is crawled in process (the :class:`~aggregator.sandbox.app.SandboxApp`
answers requests directly, no socket) from its catalogue entry, through its kind's first
requests, authentication and the parser's own follow-ups, collecting records the way the
crawl's collector does (a detail page's record replaces its provisional listing record).
Each record is mapped with the crawl's own context (:func:`aggregator.crawl.finish.context_for`)
and compared with the market's structured truth for that copy (:class:`BoardPosting`).

A field is *correct* when it equals the truth (both null counts as correct); *missing* when
the posting has null where the truth has a value (often the format does not carry the field);
*wrong* when both have a value and they differ; *spurious* when only the posting has one.
Cities compare by place, not spelling: the market writes "München", the gazetteer's one
spelling is the GeoNames name "Munich" (a documented choice of the location normalizer).
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from aggregator.catalogue import CATALOGUE_DIR, SourceEntry, load_catalogue, resolve_credentials
from aggregator.crawl.finish import context_for
from aggregator.sandbox.app import SandboxApp
from aggregator.sandbox.credentials import SANDBOX_CREDENTIALS
from aggregator.sandbox.market import Market
from aggregator.sandbox.model import BoardPosting
from aggregator.schema import Posting
from normalizers.fields.location import resolve_location
from normalizers.mappings import get_mapping
from normalizers.problems import ProblemLog
from spiders.parsers import get_parser
from spiders.parsers.base import FollowUp, RawRecord

BASE = "http://127.0.0.1:8765"
MAX_REQUESTS = 5000
FIELDS: tuple[str, ...] = (
    "contract_type", "working_time", "remote", "salary_min", "salary_max", "salary_currency",
    "salary_period", "city", "postal_code", "country", "posted_at", "valid_through",
)  # fmt: skip
DATE_TOLERANCE = timedelta(days=1)


@dataclass(slots=True)
class Tally:
    """Outcomes of one field (over one kind, or over everything)."""

    correct: int = 0
    missing: int = 0
    wrong: int = 0
    spurious: int = 0
    samples: list[tuple[str, Any, Any]] = field(default_factory=list)  # (board:id, got, truth)

    @property
    def total(self) -> int:
        return self.correct + self.missing + self.wrong + self.spurious

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(slots=True)
class SandboxScore:
    """Field outcomes per kind, plus what could not be compared at all."""

    by_kind: dict[str, dict[str, Tally]] = field(default_factory=lambda: defaultdict(dict))
    truth: int = 0
    mapped: int = 0
    unreached: list[str] = field(default_factory=list)  # truth copies with no posting

    def overall(self) -> dict[str, Tally]:
        total: dict[str, Tally] = {}
        for tallies in self.by_kind.values():
            for name, tally in tallies.items():
                into = total.setdefault(name, Tally())
                into.correct += tally.correct
                into.missing += tally.missing
                into.wrong += tally.wrong
                into.spurious += tally.spurious
                into.samples.extend(tally.samples[: 20 - len(into.samples)])
        return total


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


@lru_cache(maxsize=4096)
def canonical_city(name: str, country: str | None) -> str:
    """The gazetteer's spelling of a city name (the name itself when it does not resolve)."""
    return resolve_location(name, country_hint=country).city or name


def same(name: str, got: Any, truth: Any, country: str | None = None) -> bool:
    """Equality with tolerances: amounts 1 % relative, dates one day, cities by place."""
    if name == "city" and isinstance(got, str) and isinstance(truth, str):
        return got == truth or got == canonical_city(truth, country)
    if isinstance(truth, datetime) and isinstance(got, datetime):
        return abs(got - truth) <= DATE_TOLERANCE
    if isinstance(truth, float | int) and isinstance(got, float | int):
        return math.isclose(float(got), float(truth), rel_tol=0.01)
    return bool(got == truth)


def _requests(app: SandboxApp, entry: SourceEntry) -> Iterator[tuple[FollowUp, Any]]:
    """Every response of a board's crawl, following the parser's follow-ups breadth first."""
    kind = importlib.import_module(f"spiders.{entry.kind}")
    parser = get_parser(entry.kind)
    extra = (
        {"options": dict(entry.options)}
        if "options" in inspect.signature(parser.parse).parameters
        else {}
    )
    auth: dict[str, str] = {}
    if hasattr(kind, "auth_request"):
        token = kind.auth_request(entry, resolve_credentials(entry))
        auth = kind.auth_headers(_fetch(app, token, {}).body)
    queue, seen = list(kind.first_requests(entry)), 0
    while queue and seen < MAX_REQUESTS:
        follow = queue.pop(0)
        seen += 1
        reply = _fetch(app, follow, auth)
        if reply.status >= 300:
            continue
        headers = {k.lower(): v for k, v in reply.headers.items()}
        result = parser.parse(reply.body, url=follow.url, headers=headers, **extra)
        yield follow, result
        queue.extend(result.follow)


def _fetch(app: SandboxApp, follow: FollowUp, auth: dict[str, str]) -> Any:
    parts = urlsplit(follow.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {k.lower(): v for k, v in {**auth, **follow.headers}.items()}
    return app.handle(follow.method, target, headers, follow.body or b"")


def crawl_board(app: SandboxApp, entry: SourceEntry) -> dict[str, RawRecord]:
    """The records a crawl of the board would map, by offer id."""
    records: dict[str, RawRecord] = {}
    provisional: dict[str, RawRecord] = {}
    for follow, result in _requests(app, entry):
        details = {f.offer_id for f in result.follow if f.purpose == "detail" and f.offer_id}
        for record in result.records:
            if follow.purpose == "detail" or record.source_offer_id not in details:
                records[record.source_offer_id] = record
                provisional.pop(record.source_offer_id, None)
            else:
                provisional[record.source_offer_id] = record
    return records


def _compare(score: SandboxScore, kind: str, key: str, got: Posting, truth: BoardPosting) -> None:
    tallies = score.by_kind[kind]
    for name in FIELDS:
        value, expected = _plain(getattr(got, name)), getattr(truth, name)
        tally = tallies.setdefault(name, Tally())
        if value is None and expected is None:
            tally.correct += 1
        elif value is None:
            tally.missing += 1
        elif expected is None:
            tally.spurious += 1
        elif same(name, value, expected, truth.country):
            tally.correct += 1
        else:
            tally.wrong += 1
        if (
            tally.correct < tally.total
            and len(tally.samples) < 20
            and not (
                (value is None and expected is None) or same(name, value, expected, truth.country)
            )
        ):
            tally.samples.append((f"{key}:{got.source_offer_id}", value, expected))


def score_sandbox(seed: int = 1, scale: float = 0.05) -> SandboxScore:
    """Crawl, map and compare every sandbox board of ``Market(seed, scale)``."""
    for name, value in SANDBOX_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    # The fixed default epoch: records are mapped against the market's own clock, nothing is
    # stored (no expiry by the wall clock), and the recorded figures must not move by the day.
    market = Market(seed=seed, scale=scale)
    app = SandboxApp(market, market.boards(), BASE, seed=seed, scale=scale)
    catalogue = load_catalogue(CATALOGUE_DIR / "sandbox.yaml", sandbox_url=BASE)
    score = SandboxScore()
    for entry in catalogue:
        truth = {p.source_offer_id: p for p in market.postings(entry.key)}
        score.truth += len(truth)
        ctx = context_for(entry, market.now, ProblemLog())
        mapping = get_mapping(entry.kind)
        postings = [mapping.map_record(r, ctx) for r in crawl_board(app, entry).values()]
        matched = match_truth(truth, [p for p in postings if p is not None])
        for offer_id, expected in truth.items():
            posting = matched.get(offer_id)
            if posting is None:
                score.unreached.append(f"{entry.key}:{offer_id}")
                continue
            score.mapped += 1
            _compare(score, entry.kind, entry.key, posting, expected)
    return score


def match_truth(truth: dict[str, BoardPosting], postings: list[Posting]) -> dict[str, Posting]:
    """Truth id -> posting: the same id, else the posting whose id or URL contains it.

    Some formats identify an offer by something else than the board's id (Workday's
    ``externalPath`` ends with the requisition id, a feed's GUID is the offer URL).
    """
    found = {p.source_offer_id: p for p in postings if p.source_offer_id in truth}
    rest = [p for p in postings if p.source_offer_id not in truth]
    for offer_id in truth:
        if offer_id not in found:
            hit = next((p for p in rest if offer_id in f"{p.source_offer_id} {p.url}"), None)
            if hit is not None:
                found[offer_id] = hit
    return found
