"""Adzuna adapter: search pages, predicted salaries left out, currency by search country."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.adzuna import country_of, parse
from spiders.parsers.base import NotOfThisKind

KIND = "adzuna"
URL = "https://api.adzuna.com/v1/api/jobs/fr/search/3?app_id=a&app_key=b&results_per_page=2"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_last_page_has_no_follow_up() -> None:
    body = {"count": 6, "results": [{"id": "1"}, {"id": "2"}]}
    assert parse(json.dumps(body).encode(), url=URL).follow == []


def test_empty_page_stops_even_below_the_count() -> None:
    assert parse(json.dumps({"count": 600, "results": []}).encode(), url=URL).follow == []


def test_bad_items_are_skipped_and_counted() -> None:
    body = {"count": 3, "results": [{"id": "1"}, {"title": "no id"}, "x"]}
    result = parse(json.dumps(body).encode(), url=URL)
    assert len(result.records) == 1 and len(result.errors) == 2


def test_country_of_search_url() -> None:
    assert country_of(URL) == "FR"


@pytest.mark.parametrize("body", [b'{"exception": "AUTH_FAIL"}', b"<html/>", b"[]"])
def test_not_an_adzuna_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)
