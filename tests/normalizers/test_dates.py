"""Date normalizer on the sources' real date formats, and the labelled corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from normalizers.fields.dates import corpus_case, format_utc, parse_date

CORPUS = Path(__file__).parents[1] / "corpus" / "posted_at.jsonl"
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-12-03T21:15:04+00:00", utc(2024, 12, 3, 21, 15, 4)),
        ("2016-01-14T10:55:28-05:00", utc(2016, 1, 14, 15, 55, 28)),
        ("2024-08-30T16:52:28.632Z", utc(2024, 8, 30, 16, 52, 28, 632000)),
        ("2024-12-01", utc(2024, 12, 1)),
        ("2024-12-01 04:10:21", utc(2024, 12, 1, 4, 10, 21)),
        ("2024-12-01 04:10:21 UTC", utc(2024, 12, 1, 4, 10, 21)),
        ("Fri, 19 Dec 2014 22:49:39 GMT", utc(2014, 12, 19, 22, 49, 39)),
        ("Mon, 02 Dec 2024 10:00:00 +0100", utc(2024, 12, 2, 9)),
        (1733260504, utc(2024, 12, 3, 21, 15, 4)),
        (1553186035299, utc(2019, 3, 21, 16, 33, 55, 299000)),
        ("1733260504", utc(2024, 12, 3, 21, 15, 4)),
        (1733260504.5, utc(2024, 12, 3, 21, 15, 4, 500000)),
        ("20241201", utc(2024, 12, 1)),
    ],
)
def test_machine_formats(value: str | int | float, expected: datetime) -> None:
    assert parse_date(value, now=NOW) == expected


def test_rfc822_from_wwr_feed() -> None:
    now = utc(2026, 8, 10)
    assert parse_date("Fri, 07 Aug 2026 09:59:18 +0000", now=now) == utc(2026, 8, 7, 9, 59, 18)


@pytest.mark.parametrize(
    ("value", "ago"),
    [
        ("il y a 3 jours", timedelta(days=3)),
        ("il y a 2 heures", timedelta(hours=2)),
        ("aujourd'hui", timedelta(0)),
        ("hier", timedelta(days=1)),
        ("Posted Today", timedelta(0)),
        ("Posted Yesterday", timedelta(days=1)),
        ("Posted 3 Days Ago", timedelta(days=3)),
        ("Posted 30+ Days Ago", timedelta(days=30)),
        ("today", timedelta(0)),
        ("vor 2 Tagen", timedelta(days=2)),
        ("heute", timedelta(0)),
        ("vor einem Monat", timedelta(days=30)),
        ("an hour ago", timedelta(hours=1)),
    ],
)
def test_relative_text(value: str, ago: timedelta) -> None:
    assert parse_date(value, now=NOW) == NOW - ago


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12 mars 2025", utc(2025, 3, 12)),
        ("12/03/2025", utc(2025, 3, 12)),
        ("12.03.2025", utc(2025, 3, 12)),
        ("1er février 2025", utc(2025, 2, 1)),
        ("3. Februar 2025", utc(2025, 2, 3)),
        ("March 5, 2025", utc(2025, 3, 5)),
        ("31/12/2024", utc(2024, 12, 31)),
    ],
)
def test_human_dates_day_first(value: str, expected: datetime) -> None:
    assert parse_date(value, now=NOW) == expected


def test_month_first_on_request() -> None:
    assert parse_date("03/12/2025", now=NOW, dayfirst=False) == utc(2025, 3, 12)


def test_zoneless_value_read_in_source_zone() -> None:
    got = parse_date("2024-12-01 04:10:21", tz="Europe/Paris", now=NOW)
    assert got == utc(2024, 12, 1, 3, 10, 21)


def test_zone_as_tzinfo() -> None:
    got = parse_date("2024-07-01", tz=ZoneInfo("Europe/Berlin"), now=NOW)
    assert got == utc(2024, 6, 30, 22)


def test_explicit_offset_wins_over_source_zone() -> None:
    got = parse_date("2024-12-01T04:10:21+00:00", tz="America/New_York", now=NOW)
    assert got == utc(2024, 12, 1, 4, 10, 21)


def test_unknown_zone_name_falls_back_to_utc() -> None:
    assert parse_date("2024-12-01", tz="Mars/Olympus", now=NOW) == utc(2024, 12, 1)


def test_result_is_utc() -> None:
    got = parse_date("2024-12-01T10:00:00+05:30", now=NOW)
    assert got is not None and got.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    ["2025-03-22T00:00:00Z", "1990-05-01", "", "   ", None, 0, -5, "garbage", "Selon profil", True],
)
def test_rejected_values(value: Any) -> None:
    assert parse_date(value, now=NOW) is None


def test_one_day_of_clock_skew_is_tolerated() -> None:
    assert parse_date("2025-03-21T08:00:00Z", now=NOW) == utc(2025, 3, 21, 8)


def test_naive_now_is_read_as_utc() -> None:
    naive_now = NOW.replace(tzinfo=None)
    assert parse_date("hier", now=naive_now) == NOW - timedelta(days=1)


def test_now_in_another_zone() -> None:
    paris_now = NOW.astimezone(timezone(timedelta(hours=1)))
    assert parse_date("il y a 2 heures", now=paris_now) == NOW - timedelta(hours=2)


def test_default_now_is_current_time() -> None:
    got = parse_date("today")
    assert got is not None and abs(got - datetime.now(UTC)) < timedelta(minutes=5)


def test_format_utc() -> None:
    assert format_utc(utc(2024, 8, 30, 16, 52, 28, 632000)) == "2024-08-30T16:52:28.632Z"
    assert format_utc(utc(2024, 8, 30, 16, 52, 28)) == "2024-08-30T16:52:28Z"


def _corpus() -> list[dict[str, Any]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_corpus_is_large_enough() -> None:
    assert len(_corpus()) >= 50


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@pytest.mark.parametrize("case", _corpus(), ids=lambda case: case["id"])
def test_corpus_case(case: dict[str, Any]) -> None:
    got = corpus_case(case["input"])["posted_at"]
    want = case["expected"]["posted_at"]
    assert _instant(got) == _instant(want), f"{case['input']}: got {got}, expected {want}"
