"""Expiry dates (``valid_through``): the future is their normal state, up to two years ahead."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.schema import Posting
from normalizers.fields.dates import parse_date, parse_expiry
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting
from normalizers.problems import ProblemLog

NOW = datetime(2024, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-31", datetime(2025, 1, 31, tzinfo=UTC)),  # schema.org validThrough, date only
        ("2025-03-01T23:59:59+01:00", datetime(2025, 3, 1, 22, 59, 59, tzinfo=UTC)),
        ("Fri, 31 Jan 2025 00:00:00 +0000", datetime(2025, 1, 31, tzinfo=UTC)),  # RSS
        (1738281600000, datetime(2025, 1, 31, tzinfo=UTC)),  # epoch milliseconds
        ("31/01/2025", datetime(2025, 1, 31, tzinfo=UTC)),  # day first
        ("2024-11-30", datetime(2024, 11, 30, tzinfo=UTC)),  # already passed: kept, it closes
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),  # within two years
    ],
)
def test_expiry_dates_in_the_future_are_read(value: str | int, expected: datetime) -> None:
    assert parse_expiry(value, now=NOW) == expected
    if expected > NOW.replace(day=7):
        assert parse_date(value, now=NOW) is None  # a publication date cannot be in the future


@pytest.mark.parametrize("value", ["2099-12-31", "9999-12-31T00:00:00Z", "1990-01-01", "soon", ""])
def test_placeholders_and_junk_are_none(value: str) -> None:
    assert parse_expiry(value, now=NOW) is None


def test_zone_less_expiry_is_read_in_the_source_zone() -> None:
    got = parse_expiry("2025-01-31T18:00:00", tz="Europe/Paris", now=NOW)
    assert got == datetime(2025, 1, 31, 17, 0, tzinfo=UTC)


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.none()))
def test_never_raises_and_stays_in_range(value: str | int | float | None) -> None:
    got = parse_expiry(value, now=NOW)
    assert got is None or (got.tzinfo is UTC and datetime(1995, 1, 1, tzinfo=UTC) <= got)


def _posting(valid_through: object, problems: ProblemLog) -> Posting:
    ctx = SourceContext(source="s", kind="jsonld", now=NOW, problems=problems)
    posting = build_posting(
        ctx,
        source_offer_id="1",
        url="https://example.org/1",
        title="Comptable",
        valid_through=valid_through,  # type: ignore[arg-type]
    )
    assert posting is not None
    return posting


def test_build_posting_keeps_future_expiry_for_every_kind() -> None:
    problems = ProblemLog()
    posting = _posting("2025-02-15T00:00:00Z", problems)
    assert posting.valid_through == datetime(2025, 2, 15, tzinfo=UTC)
    assert len(problems) == 0


@pytest.mark.parametrize("value", ["2099-01-01", {"date": "2025-01-01"}, True])
def test_unusable_expiry_is_null_and_a_problem(value: object) -> None:
    problems = ProblemLog()
    posting = _posting(value, problems)
    assert posting.valid_through is None
    assert [s.reason for s in problems.samples()] == ["unreadable date"]
