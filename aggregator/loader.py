"""``aggregator load``: postings already in the common schema, one JSON object per line.

Good lines load; each bad line is reported with its number and reason and changes nothing.
Valid postings are stored in batches, each batch atomic.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from pydantic import ValidationError

from aggregator.dedupe_store.matcher import default_matcher
from aggregator.errors import UserError
from aggregator.pipeline import Matcher, store_postings
from aggregator.schema import Posting
from aggregator.store.database import Store
from aggregator.store.postings import UpsertResult
from dedupe.parallel_keys import usable_cores

MAX_LINE_BYTES = 2 * 1024 * 1024
BATCH_SIZE = 2000


@dataclass(slots=True)
class Rejection:
    """One line that could not be loaded, and why."""

    line: int
    reason: str


@dataclass(slots=True)
class LoadReport:
    """What a load did: counts by outcome, and every rejected line."""

    lines: int = 0
    result: UpsertResult = field(default_factory=UpsertResult)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return len(self.result.touched_ids)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejections else 0


def describe_validation_error(error: ValidationError) -> str:
    """Pydantic's errors as one readable line: field, problem, offending value."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"]) or "posting"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] not in ("missing",) and "input" in item:
            shown = repr(item["input"])
            message += f" (got {shown[:60]}{'...' if len(shown) > 60 else ''})"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


class LineError(ValueError):
    """A line that cannot be loaded; ``readable`` tells whether it was at least a JSON value."""

    def __init__(self, reason: str, *, readable: bool) -> None:
        super().__init__(reason)
        self.readable = readable


def parse_line(raw: bytes, *, source: str | None) -> Posting:
    """One line to a posting, or :class:`LineError` with a message fit for the user."""
    if len(raw) > MAX_LINE_BYTES:
        raise LineError(
            f"line is {len(raw) / 1e6:.1f} MB, over the {MAX_LINE_BYTES // 2**20} MiB limit",
            readable=False,
        )
    try:
        data: Any = orjson.loads(raw)  # validates UTF-8 itself: no separate decode pass
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise LineError(f"invalid UTF-8 at byte {bad.start}", readable=False) from None
        raise LineError(f"malformed JSON: {exc}", readable=False) from None
    if not isinstance(data, dict):
        raise LineError(f"expected a JSON object, got {type(data).__name__}", readable=True)
    if source is not None:
        given = data.setdefault("source", source)
        if given != source:
            raise LineError(f"source {given!r} differs from --source {source!r}", readable=True)
    try:
        return Posting.model_validate(data)
    except ValidationError as exc:
        raise LineError(describe_validation_error(exc), readable=True) from None


@contextmanager
def bulk_collection() -> Iterator[None]:
    """Run the garbage collector less often while a bulk load allocates.

    A load makes millions of short-lived objects (lines, postings, rows) and almost no
    reference cycles, but the default thresholds re-scan the batch being built every 700
    allocations: about 15% of the storing stage's CPU. Cycles are still collected, rarer.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, start=1):
        stripped = raw.strip()
        if stripped:
            yield number, stripped


def _check_is_json_lines(path: Path, head: bytes) -> None:
    if head.lstrip().startswith(b"["):
        raise UserError(f"{path} holds a JSON array, not JSON Lines (one object per line)")


def load_file(
    store: Store,
    path: Path,
    *,
    source: str | None = None,
    matcher: Matcher | None = None,
    on_batch: Callable[[LoadReport], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> LoadReport:
    """Load a JSON Lines file of postings into the store (deduped with :func:`default_matcher`)."""
    matcher = matcher or default_matcher()
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    report = LoadReport()
    parsed = _Parsed()
    with stream, bulk_collection():
        _check_is_json_lines(path, stream.peek(64)[:64] if hasattr(stream, "peek") else b"")
        batches = _parsed_batches(stream, source, batch_size, report, parsed)
        store_batches(store, batches, report, matcher, on_batch)
    if report.rejections and not parsed.any:
        raise UserError(
            f"{path} is not JSON Lines: {report.rejections[0].reason} on line "
            f"{report.rejections[0].line}"
        )
    return report


@dataclass(slots=True)
class _Parsed:
    any: bool = False  # a line was JSON (whether or not it was a valid posting)


def _parsed_batches(
    stream: BinaryIO, source: str | None, size: int, report: LoadReport, parsed: _Parsed
) -> Iterator[list[Posting]]:
    """Valid postings of the file in batches of ``size``; bad lines go to the report."""
    batch: list[Posting] = []
    for number, raw in _lines(stream):
        report.lines = number
        try:
            batch.append(parse_line(raw, source=source))
            parsed.any = True
        except LineError as exc:
            parsed.any = parsed.any or exc.readable
            report.rejections.append(Rejection(number, str(exc)))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def store_batches(
    store: Store,
    batches: Iterable[list[Posting]],
    report: LoadReport,
    matcher: Matcher | None,
    on_batch: Callable[[LoadReport], None] | None = None,
    *,
    now: datetime | None = None,
    timings: MutableMapping[str, float] | None = None,
) -> None:
    """Store batches in order, each in its own transaction, reading one batch ahead.

    Before a batch is stored, the matcher is shown the batch after it
    (:meth:`aggregator.pipeline.Matcher.prepare`), so on two cores or more it computes that
    batch's dedupe keys meanwhile; it is closed at the end, whatever happens. ``on_batch``
    is called after each batch but the last. ``now``: the
    time to store at (default: the clock, per batch); ``timings``: see
    :func:`aggregator.pipeline.store_postings`.
    """
    ahead = matcher if usable_cores() >= 2 else None
    coming = iter(batches)
    current = next(coming, None)
    try:
        while current is not None:
            following = next(coming, None)
            if ahead is not None and following is not None:
                ahead.prepare(following)
            with store.engine.begin() as conn:
                stamp = now or datetime.now(UTC)
                result = store_postings(conn, current, stamp, matcher=matcher, timings=timings)
            report.result.add(result)
            if on_batch and following is not None:
                on_batch(report)
            current = following
    finally:
        if matcher is not None:
            matcher.close()
