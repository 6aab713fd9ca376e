"""Realistic inputs for the normalization benchmark: what mappings hand to ``build_posting``.

Recorded bodies (``tests/fixtures``) go through their kind's real parser and mapping, with the
mapping's ``build_posting`` swapped for a recorder, so each input is exactly the keyword
arguments a mapping passes. Sandbox postings (``Market(seed=1, scale=0.05)``) are turned into
the same arguments the way a text-first board words them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from normalizers.mappings import get_mapping
from normalizers.mappings.base import SourceContext
from spiders.parsers import get_parser

FIXTURES = Path(
    os.environ.get("BENCH_FIXTURES") or Path(__file__).resolve().parents[1] / "tests" / "fixtures"
)
RECORDED: dict[str, tuple[str, ...]] = {
    "remoteok": ("remoteok/api_2024-12-04",),
    "jobicy": ("jobicy/api_2024-12-05",),
    "francetravail": ("francetravail/search_montpellier", "francetravail/detail_180HSFM"),
    "greenhouse": ("greenhouse/board_modern_fr", "greenhouse/generalassembly_2013"),
}
# Kinds whose mapping reads remote work from the description (no remote field in the format).
DESCRIPTION_REMOTE = frozenset({"francetravail", "greenhouse", "adzuna", "personio"})


@dataclass(slots=True)
class Call:
    """One posting to normalize: the context and the ``build_posting`` keyword arguments."""

    ctx: SourceContext
    kwargs: dict[str, Any]
    record: Any = None  # the parsed record, to replay the whole mapping
    kind: str = ""


@contextmanager
def _recording(module: Any, sink: list[dict[str, Any]]) -> Iterator[None]:
    original = module.build_posting

    def record(ctx: SourceContext, **kwargs: Any) -> None:
        sink.append(kwargs)

    module.build_posting = record
    try:
        yield
    finally:
        module.build_posting = original


def recorded(kind: str) -> list[Call]:
    """The calls the ``kind`` mapping makes for every record of its recorded fixtures."""
    mapping, parser = get_mapping(kind), get_parser(kind)
    calls: list[Call] = []
    for case in RECORDED[kind]:
        folder = FIXTURES / case
        request = json.loads((folder / "request.json").read_text(encoding="utf-8"))
        body = next(folder.glob("body.*")).read_bytes()
        result = parser.parse(body, url=request["url"], headers=request.get("headers"))
        defaults = dict(getattr(mapping, "CONTEXT_DEFAULTS", {}))
        now = datetime.fromisoformat(request["now"])
        for record in result.records:
            ctx = SourceContext(source=kind, kind=kind, now=now, **defaults)
            sink: list[dict[str, Any]] = []
            with _recording(mapping, sink):
                mapping.map_record(record, ctx)
            calls.extend(Call(ctx, kwargs, record, kind) for kwargs in sink)
    return calls


def sandbox(seed: int = 1, scale: float = 0.05) -> list[Call]:
    """Every posting of every sandbox board, as a text-first mapping would pass it."""
    from aggregator.sandbox.market import Market
    from aggregator.sandbox.render.vocab import word

    market = Market(seed=seed, scale=scale)
    calls: list[Call] = []
    for spec in market.boards():
        for p in market.postings(spec.key):
            ctx = SourceContext(
                source=spec.key, kind=spec.kind, country=spec.country, now=market.now
            )
            kwargs: dict[str, Any] = {
                "source_offer_id": p.source_offer_id,
                "url": f"https://example.org/{spec.key}/{p.source_offer_id}",
                "title": p.title,
                "company": p.company,
                "description_html_or_text": p.description_html,
                "location_text": p.location_text,
                "city": p.city,
                "postal_code": p.postal_code,
                "region": p.region,
                "country": p.country,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "contract_texts": [word("contract", "text", p.contract_type, p.language)],
                "working_time_texts": [word("working_time", "text", p.working_time, p.language)],
                "remote_from_description": spec.kind in DESCRIPTION_REMOTE,
                "salary_raw": p.salary_text,
                "posted_at": p.posted_at.isoformat(),
                "valid_through": p.valid_through.isoformat() if p.valid_through else None,
            }
            calls.append(Call(ctx, kwargs, None, spec.kind))
    return calls


def load_sets(names: list[str] | None = None) -> dict[str, list[Call]]:
    """Input sets by name: the recorded kinds and ``sandbox`` (all of them by default)."""
    chosen = names or [*RECORDED, "sandbox"]
    return {name: sandbox() if name == "sandbox" else recorded(name) for name in chosen}
