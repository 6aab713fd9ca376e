"""``aggregator parse --adapter KIND FILE [--source KEY]``: run one adapter over a saved body.

Parsing is a pure function of saved bytes, so any response saved from a crawl (or a test
fixture) can be replayed offline: the parser finds the records, the mapping of the same
kind turns them into postings. Exit status: 0 parsed (even zero offers), 1 some items could
not be parsed or mapped, 2 the file is unreadable or not of that kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aggregator.schema import Posting
from normalizers.mappings import get_mapping
from normalizers.mappings.base import SourceContext
from normalizers.problems import ProblemLog
from spiders.parsers import get_parser, parse_body
from spiders.parsers.base import FollowUp, NotOfThisKind

OK, SOME_ITEMS_FAILED, UNREADABLE = 0, 1, 2
# Request URLs whose shape a parser reads (Workday's CXS path, France Travail's search
# path, Personio's host) when --url does not give one: a catalogue entry's base_url is the
# site root, so it stands in only for kinds that read no more than the host.
PATH_SHAPED = frozenset({"workday", "francetravail"})
EXAMPLE_URLS: dict[str, str] = {
    "workday": "https://tenant.wd1.myworkdayjobs.com/wday/cxs/tenant/site/jobs",
    "personio": "https://account.jobs.personio.de/xml",
    "francetravail": "https://api.francetravail.io/partenaire/offresdemploi/v2/offres/search",
}
FALLBACK_URL = "https://localhost/"


@dataclass(slots=True)
class ParseOutcome:
    """What one saved body gave: postings, per-item errors, follow-ups and an exit status."""

    kind: str
    source: str
    status: int
    postings: list[Posting] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    follow: list[FollowUp] = field(default_factory=list)
    total: int | None = None
    records: int = 0
    problems: ProblemLog = field(default_factory=ProblemLog)
    message: str | None = None


def _request_url(kind: str, url: str | None, entry: Any) -> str:
    if url:
        return url
    if entry is not None and kind not in PATH_SHAPED:
        return str(entry.base_url)
    return EXAMPLE_URLS.get(kind, FALLBACK_URL)


def _catalogue_entry(source: str, catalogue: Path | None) -> Any:
    from aggregator.catalogue import load_catalogue

    return load_catalogue(catalogue).get(source)


def build_context(
    kind: str,
    *,
    source: str | None,
    url: str,
    entry: Any = None,
    now: datetime | None = None,
    problems: ProblemLog | None = None,
) -> SourceContext:
    """The mapping context: the catalogue entry's settings over the kind's defaults."""
    defaults: Mapping[str, str] = getattr(get_mapping(kind), "CONTEXT_DEFAULTS", {})
    settings: dict[str, Any] = dict(defaults)
    options: dict[str, Any] = {}
    if entry is not None:
        chosen = entry.model_fields_set
        for name in ("country", "language", "timezone", "currency"):
            if name in chosen and getattr(entry, name) is not None:
                settings[name] = getattr(entry, name)
        options = dict(entry.options)
    if kind == "adzuna" and "country" not in settings:
        from spiders.parsers.adzuna import country_of

        settings["country"] = country_of(url)  # the search country: /jobs/gb/search/1
    return SourceContext(
        source=source or kind,
        kind=kind,
        country=settings.get("country"),
        language=settings.get("language"),
        timezone=settings.get("timezone", "UTC"),
        currency=settings.get("currency"),
        base_url=url,
        now=now,
        problems=problems,
        options=options,
    )


def parse_file(
    kind: str,
    path: Path,
    *,
    source: str | None = None,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    catalogue: Path | None = None,
    options: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> ParseOutcome:
    """Parse and map the body saved at ``path`` with the adapter ``kind``; never raises."""
    name = source or kind
    try:
        get_parser(kind)  # an unknown kind or a broken module fails here, clearly
        mapping = get_mapping(kind)
        entry = _catalogue_entry(source, catalogue) if source else None
    except Exception as exc:  # unknown kind, missing module, bad catalogue or key
        return ParseOutcome(kind, name, UNREADABLE, message=str(exc))
    if entry is not None and entry.kind != kind:
        message = f"source {source!r} is of kind {entry.kind!r}, not {kind!r}"
        return ParseOutcome(kind, name, UNREADABLE, message=message)
    request_url = _request_url(kind, url, entry)
    try:
        body = Path(path).read_bytes()
    except OSError as exc:
        return ParseOutcome(kind, name, UNREADABLE, message=f"{path}: {exc.strerror or exc}")
    try:
        merged = {**(entry.options if entry else {}), **(options or {})}
        result = parse_body(kind, body, url=request_url, headers=headers, options=merged)
    except NotOfThisKind as exc:
        return ParseOutcome(kind, name, UNREADABLE, message=str(exc))
    problems = ProblemLog()
    ctx = build_context(kind, source=name, url=request_url, entry=entry, now=now, problems=problems)
    ctx.options.update(options or {})
    outcome = ParseOutcome(
        kind, name, OK, errors=list(result.errors), follow=list(result.follow), total=result.total
    )
    outcome.problems = problems
    outcome.records = len(result.records)
    for record in result.records:
        posting = mapping.map_record(record, ctx)
        if posting is None:
            outcome.errors.append(f"{kind}: offer {record.source_offer_id}: not mappable")
        else:
            outcome.postings.append(posting)
    if outcome.errors:
        outcome.status = SOME_ITEMS_FAILED
    return outcome
