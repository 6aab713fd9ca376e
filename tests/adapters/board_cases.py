"""Fixture cases of the job-board, feed and generic adapters (web-poet style).

A case is a folder ``tests/fixtures/<kind>/<case>/`` with the saved ``body.*``, a
``request.json`` (``url``, optional ``options``, ``headers``, ``now``, ``context``) and an
``expected.json`` (``total``, ``errors`` (count), ``records`` (count), ``follow`` and
``postings``: a list of expected field values per ``source_offer_id``; ``<field>__contains``
checks a substring). Each expected field becomes its own test, so a failure names the field.
"""

from __future__ import annotations

import inspect
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from normalizers.mappings import get_mapping
from normalizers.mappings.base import SourceContext
from normalizers.problems import ProblemLog
from spiders.parsers import get_parser
from spiders.parsers.base import ParseResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEFAULT_NOW = datetime(2024, 12, 5, 12, 0, tzinfo=UTC)


def case_names(kind: str) -> list[str]:
    """Every case folder of ``kind`` that has an expected.json."""
    return sorted(p.parent.name for p in (FIXTURES / kind).glob("*/expected.json"))


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def request_of(kind: str, case: str) -> dict[str, Any]:
    """The request the body answered (url, options, headers, now, context)."""
    return _json(FIXTURES / kind / case / "request.json")


def expected_of(kind: str, case: str) -> dict[str, Any]:
    """What the case must produce."""
    return _json(FIXTURES / kind / case / "expected.json")


def body_of(kind: str, case: str) -> bytes:
    """The saved response body (``body.*``)."""
    return next((FIXTURES / kind / case).glob("body.*")).read_bytes()


def run_parser(kind: str, body: bytes, request: dict[str, Any]) -> ParseResult:
    """Parse a body as the spider would, passing options to parsers that take them."""
    parse = get_parser(kind).parse
    kwargs: dict[str, Any] = {"url": request["url"], "headers": request.get("headers")}
    if "options" in inspect.signature(parse).parameters:
        kwargs["options"] = request.get("options") or {}
    return parse(body, **kwargs)


@cache
def parsed(kind: str, case: str) -> ParseResult:
    """The case's parse result (cached: one parse per case per test run)."""
    return run_parser(kind, body_of(kind, case), request_of(kind, case))


def context_for(
    kind: str, request: dict[str, Any], problems: ProblemLog | None = None
) -> SourceContext:
    """The mapping context of a case: the kind's defaults, overridden by the case."""
    values: dict[str, Any] = dict(getattr(get_mapping(kind), "CONTEXT_DEFAULTS", {}))
    values.update(request.get("context") or {})
    now = datetime.fromisoformat(request["now"]) if "now" in request else DEFAULT_NOW
    return SourceContext(
        source=f"test-{kind}",
        kind=kind,
        now=now,
        problems=problems,
        options=request.get("options") or {},
        base_url=request["url"],
        **values,
    )


@cache
def mapped(kind: str, case: str) -> tuple[dict[str, dict[str, Any]], ProblemLog]:
    """The case's postings as JSON records by offer id, and the problems recorded."""
    problems = ProblemLog()
    ctx = context_for(kind, request_of(kind, case), problems)
    mapping = get_mapping(kind)
    postings: dict[str, dict[str, Any]] = {}
    for record in parsed(kind, case).records:
        posting = mapping.map_record(record, ctx)
        if posting is not None:
            postings[posting.source_offer_id] = posting.to_record()
    return postings, problems


def field_params(kind: str) -> list[Any]:
    """One pytest param per (case, offer id, expected field)."""
    params = []
    for case in case_names(kind):
        for expected in expected_of(kind, case).get("postings", []):
            offer_id = expected["source_offer_id"]
            for field, value in expected.items():
                if field != "source_offer_id":
                    params.append(
                        pytest.param(
                            case, offer_id, field, value, id=f"{case}-{offer_id[-24:]}-{field}"
                        )
                    )
    return params


def check_field(kind: str, case: str, offer_id: str, field: str, expected: Any) -> None:
    """Assert one expected field of one posting."""
    postings, _ = mapped(kind, case)
    assert offer_id in postings, f"no posting {offer_id!r} (got {sorted(postings)[:5]}...)"
    record = postings[offer_id]
    if field.endswith("__contains"):
        actual = record[field.removesuffix("__contains")] or ""
        assert expected in actual
    elif isinstance(expected, float):
        assert record[field] == pytest.approx(expected, abs=1e-3)
    else:
        assert record[field] == expected


def check_envelope(kind: str, case: str) -> None:
    """Assert the case's advertised total, record count, error count and follow-ups."""
    expected = expected_of(kind, case)
    result = parsed(kind, case)
    if "total" in expected:
        assert result.total == expected["total"]
    if "records" in expected:
        assert len(result.records) == expected["records"]
    assert len(result.errors) == expected.get("errors", 0), result.errors
    follow = [{"url": f.url, "purpose": f.purpose} for f in result.follow]
    assert follow == expected.get("follow", [])
