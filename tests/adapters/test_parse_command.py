"""parse_file: the offline ``aggregator parse`` over saved bodies (the adapter fixtures)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from board_cases import FIXTURES, expected_of, request_of

from aggregator.parse_command import OK, SOME_ITEMS_FAILED, UNREADABLE, parse_file

NOW = datetime(2024, 9, 5, 12, 0, tzinfo=UTC)
CASES = [
    ("greenhouse", "generalassembly_2013"),
    ("greenhouse", "board_modern_fr"),
    ("lever", "page_full_fr"),
    ("workable", "widget_details"),
    ("smartrecruiters", "listing_page1"),
    ("smartrecruiters", "detail"),
    ("recruitee", "offers"),
    ("ashby", "board_with_compensation"),
    ("personio", "feed_de"),
    ("workday", "listing_first_page"),
    ("workday", "detail"),
    ("adzuna", "search_gb_page1"),
    ("francetravail", "search_montpellier"),
    ("francetravail", "detail_180HSFM"),
]


def _body(kind: str, case: str) -> Path:
    return next((FIXTURES / kind / case).glob("body.*"))


@pytest.mark.parametrize(("kind", "case"), CASES)
def test_fixture_parses_with_the_expected_status(kind: str, case: str) -> None:
    request = request_of(kind, case)
    outcome = parse_file(
        kind,
        _body(kind, case),
        url=request["url"],
        headers=request.get("headers"),
        options=request.get("options"),
        now=NOW,
    )
    expected = expected_of(kind, case)
    assert outcome.status == (SOME_ITEMS_FAILED if expected["errors"] else OK), outcome.errors
    assert {p.source_offer_id for p in outcome.postings} >= {
        p["source_offer_id"] for p in expected["postings"]
    }
    assert outcome.total == expected["total"]


def test_kind_defaults_apply_without_a_source() -> None:
    outcome = parse_file("francetravail", _body("francetravail", "detail_180HSFM"), now=NOW)
    assert outcome.status == OK and outcome.source == "francetravail"
    (posting,) = outcome.postings
    assert posting.salary_currency == "EUR" and posting.country == "FR"


def test_zero_offers_is_success(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"jobs": [], "meta": {"total": 0}}))
    outcome = parse_file("greenhouse", empty)
    assert (outcome.status, outcome.postings) == (OK, [])


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("greenhouse", b"<html>502 Bad Gateway</html>"),
        ("personio", b'{"jobs": []}'),
        ("nope", b"{}"),
    ],
)
def test_not_of_this_kind_is_status_2(tmp_path: Path, kind: str, content: bytes) -> None:
    path = tmp_path / "body"
    path.write_bytes(content)
    outcome = parse_file(kind, path)
    assert outcome.status == UNREADABLE and outcome.message


def test_missing_file_is_status_2(tmp_path: Path) -> None:
    outcome = parse_file("lever", tmp_path / "missing.json")
    assert outcome.status == UNREADABLE and "missing.json" in (outcome.message or "")


def test_source_from_a_catalogue(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "sources:\n"
        "  - key: lumen-lever\n"
        "    name: Lumen\n"
        "    kind: lever\n"
        "    base_url: https://api.lever.co\n"
        "    token: lumen\n"
        "    country: FR\n"
        "    timezone: Europe/Paris\n"
        "    options: {company: Lumen SAS}\n",
        encoding="utf-8",
    )
    body = _body("lever", "page_full_fr")
    outcome = parse_file("lever", body, source="lumen-lever", catalogue=catalogue, now=NOW)
    assert outcome.status == OK and outcome.source == "lumen-lever"
    assert {p.company for p in outcome.postings} == {"Lumen SAS"}
    assert {p.source for p in outcome.postings} == {"lumen-lever"}
    wrong = parse_file("greenhouse", body, source="lumen-lever", catalogue=catalogue)
    assert wrong.status == UNREADABLE
    unknown = parse_file("lever", body, source="nobody", catalogue=catalogue)
    assert unknown.status == UNREADABLE
