"""The sandbox market through the real path: wire formats, parsers, mappings, with ground truth.

Dedupe is tuned and measured on what the pipeline really stores, not on the generator's own
records: every board is rendered in its wire format by the sandbox app, read back by its
kind's parser following its own follow-ups (pages, details, sitemaps, OAuth for France
Travail), and each record is mapped by the kind's normalizer mapping. No sockets, no Scrapy:
the same pure functions the spider calls, driven in-process.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import inspect
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import orjson

from aggregator.catalogue import SourceEntry, resolve_credentials
from aggregator.crawl.finish import context_for
from aggregator.sandbox.app import SandboxApp
from aggregator.sandbox.boards import BOARDS
from aggregator.sandbox.cli import catalogue_entries
from aggregator.sandbox.credentials import SANDBOX_CREDENTIALS
from aggregator.sandbox.market import Market
from aggregator.schema import Posting
from dedupe.records import posting_key
from normalizers.mappings import get_mapping
from normalizers.problems import ProblemLog
from spiders.parsers import get_parser
from spiders.parsers.base import FollowUp, RawRecord

BASE_URL = "http://127.0.0.1:8765"
MAX_REQUESTS = 100_000
_ID_TOKENS = re.compile(r"[^A-Za-z0-9]+")
CACHE_VERSION = 2  # the file name also carries a digest of the code and data that make postings
# What the cached postings depend on: a change to any of these files is a new cache file.
_PRODUCERS = (
    "spiders/parsers",
    "normalizers",
    "aggregator/sandbox",
    "data/gazetteer",
    "data/vocab",
)


class CrawlError(RuntimeError):
    """A board answered an in-process request with an error: the market cannot be measured."""


def sandbox_entries() -> list[SourceEntry]:
    """The sandbox catalogue, one validated entry per board."""
    return [SourceEntry.model_validate(e) for e in catalogue_entries(BASE_URL)]


def _fetch(app: SandboxApp, follow: FollowUp, auth: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    parts = urlsplit(follow.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {k.lower(): v for k, v in {**auth, **follow.headers}.items()}
    outcome = app.handle(follow.method, target, headers, follow.body or b"")
    if outcome.status >= 300:
        raise CrawlError(f"{follow.method} {follow.url}: HTTP {outcome.status}")
    return outcome.body, {k.lower(): v for k, v in outcome.headers.items()}


def crawl_board(app: SandboxApp, entry: SourceEntry) -> dict[str, RawRecord]:
    """Every record of one board, as the spider would collect it (details replace listings)."""
    kind = importlib.import_module(f"spiders.{entry.kind}")
    parser = get_parser(entry.kind)
    auth: dict[str, str] = {}
    credentials = resolve_credentials(entry)
    auth_request = getattr(kind, "auth_request", None)
    if auth_request is not None:
        body, _ = _fetch(app, auth_request(entry, credentials), {})
        auth = kind.auth_headers(body)
    options = {"options": dict(entry.options)} if _takes_options(parser) else {}
    queue = deque(kind.first_requests(entry))
    records: dict[str, RawRecord] = {}
    requests = 0
    while queue:
        follow = queue.popleft()
        requests += 1
        if requests > MAX_REQUESTS:
            raise CrawlError(f"{entry.key}: follow-ups do not end")
        body, headers = _fetch(app, follow, auth)
        result = parser.parse(body, url=follow.url, headers=headers, **options)
        for record in result.records:
            if follow.purpose == "detail" or record.source_offer_id not in records:
                records[record.source_offer_id] = record
        queue.extend(result.follow)
    return records


def _takes_options(parser: object) -> bool:
    return "options" in inspect.signature(parser.parse).parameters  # type: ignore[attr-defined]


@contextmanager
def sandbox_secrets() -> Iterator[None]:
    """The sandbox's default credentials in the environment (kinds read them there)."""
    missing = {name: value for name, value in SANDBOX_CREDENTIALS.items() if name not in os.environ}
    os.environ.update(missing)
    try:
        yield
    finally:
        for name in missing:
            os.environ.pop(name, None)


def _board_postings(app: SandboxApp, entry: SourceEntry, market: Market) -> list[Posting]:
    """One board crawled and mapped; records the mapping rejects are left out, as in a crawl."""
    ctx = context_for(entry, market.now, ProblemLog())
    mapping = get_mapping(entry.kind)
    mapped = (mapping.map_record(record, ctx) for record in crawl_board(app, entry).values())
    return [posting for posting in mapped if posting is not None]


def _compute(seed: int, scale: float, tick: int, part: int = 0, parts: int = 1) -> list[Posting]:
    """Postings of every ``parts``-th board starting at ``part`` (a worker's share)."""
    # The fixed default epoch, not live_epoch(): this is a ground-truth corpus mapped against
    # the market's own clock (context_for(..., market.now)), never stored where postings expire
    # by the wall clock, and it must stay the same bytes from day to day for the cache key
    # (seed, scale, tick and a digest of aggregator/sandbox, EPOCH included) to hold.
    market = Market(seed=seed, scale=scale)
    if tick:
        market.advance(tick)
    app = SandboxApp(market, BOARDS, BASE_URL)
    postings: list[Posting] = []
    with sandbox_secrets():
        for entry in sandbox_entries()[part::parts]:
            postings.extend(_board_postings(app, entry, market))
    return postings


def _truth(seed: int, scale: float, tick: int) -> dict[tuple[str, str], str]:
    market = Market(seed=seed, scale=scale)
    if tick:
        market.advance(tick)
    return {(row.board, row.source_offer_id): row.vacancy_id for row in market.truth()}


def link_truth(postings: list[Posting], truth: dict[tuple[str, str], str]) -> dict[str, str]:
    """Posting key -> vacancy id, for postings whose wire id embeds the market's id.

    Some formats publish an id built around the board's own one (an Atom ``urn:...:ID``, a
    slug ``title-company-ID``, a Workday path ``/job/City/Title_ID``): the market's id is then
    the last of the wire id's alphanumeric tokens that names one of the board's offers.
    """
    linked: dict[str, str] = {}
    for posting in postings:
        vacancy = truth.get((posting.source, posting.source_offer_id))
        if vacancy is None:
            for token in reversed(_ID_TOKENS.split(posting.source_offer_id)):
                vacancy = truth.get((posting.source, token))
                if vacancy is not None:
                    break
        if vacancy is not None:
            linked[posting_key(posting)] = vacancy
    return linked


def _producers_digest() -> str:
    """Digest of the parsers, mappings, normalizers, sandbox and vocabularies (sources only).

    A cache keyed on a hand-bumped version went stale: a gazetteer fix (Aix-en-Provence's main
    postal code 13080 -> 13100) kept being measured from a file written before it. The dedupe
    vocabulary (``data/vocab/dedupe.yaml``) is read by dedupe only: tuning it keeps the cache.
    """
    root = Path(__file__).resolve().parent.parent
    dedupe_vocab = root / "data" / "vocab" / "dedupe.yaml"
    digest = hashlib.blake2b(digest_size=6)
    for folder in _PRODUCERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path != dedupe_vocab:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_file(cache_dir: Path, seed: int, scale: float, tick: int) -> Path:
    name = f"market-v{CACHE_VERSION}-{_producers_digest()}-s{seed}-x{scale:g}-t{tick}.jsonl.gz"
    return cache_dir / name


def _read_cache(path: Path) -> tuple[list[Posting], dict[str, str]]:
    postings: list[Posting] = []
    truth: dict[str, str] = {}
    with gzip.open(path, "rb") as lines:
        for line in lines:
            row = orjson.loads(line)
            posting = Posting.model_validate(row["posting"])
            postings.append(posting)
            truth[posting_key(posting)] = row["vacancy_id"]
    return postings, truth


def _write_cache(path: Path, postings: list[Posting], truth: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with gzip.open(partial, "wb", compresslevel=3) as out:
        for posting in postings:
            row = {"vacancy_id": truth[posting_key(posting)], "posting": posting.to_record()}
            out.write(orjson.dumps(row) + b"\n")
    partial.replace(path)


def normalized_market(
    seed: int,
    scale: float = 1.0,
    tick: int = 0,
    *,
    cache_dir: Path | None = None,
    workers: int = 1,
) -> tuple[list[Posting], dict[str, str]]:
    """The market's postings as the pipeline stores them, and the truth (key -> vacancy id).

    Deterministic in (seed, scale, tick): the result can be cached on disk (``cache_dir``)
    and is memoized per process. Only postings the mappings accept are returned, keyed in the
    truth by :func:`dedupe.records.posting_key` (see :func:`link_truth`); a posting that no
    truth row names is left out. ``workers`` > 1 crawls the boards in that many processes.
    """
    memo = _MEMO.get((seed, scale, tick))
    if memo is None:
        path = _cache_file(cache_dir, seed, scale, tick) if cache_dir is not None else None
        if path is not None and path.exists():
            memo = _read_cache(path)
        else:
            if workers > 1:
                with ProcessPoolExecutor(workers) as pool:
                    jobs = [
                        pool.submit(_compute, seed, scale, tick, part, workers)
                        for part in range(workers)
                    ]
                    postings = [p for job in jobs for p in job.result()]
            else:
                postings = _compute(seed, scale, tick)
            truth = link_truth(postings, _truth(seed, scale, tick))
            memo = ([p for p in postings if posting_key(p) in truth], truth)
            if path is not None:
                _write_cache(path, *memo)
        _MEMO.clear()  # one market at a time: a 100k market holds a few hundred MB
        _MEMO[(seed, scale, tick)] = memo
    return list(memo[0]), dict(memo[1])


_MEMO: dict[tuple[int, float, int], tuple[list[Posting], dict[str, str]]] = {}
