"""Workable adapter: the widget payload, the v3 listing and its token pagination."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.workable import parse

KIND = "workable"
V3 = "https://apply.workable.com/api/v3/accounts/ateliernord/jobs"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_v3_listing_pages_with_the_next_page_token() -> None:
    body = {
        "total": 12,
        "results": [
            {"id": 991, "shortcode": "AB12CD34EF", "title": "Chef de rang", "workplace": "on_site"}
        ],
        "nextPage": "WzE3MjQ5NzYwMDAwMDAsOTkxXQ==",
    }
    result = parse(json.dumps(body).encode(), url=V3)
    assert result.records[0].source_offer_id == "AB12CD34EF"
    assert result.records[0].url == "https://apply.workable.com/ateliernord/j/AB12CD34EF/"
    (follow,) = result.follow
    assert (follow.url, follow.method) == (V3, "POST")
    assert json.loads(follow.body or b"") == {"token": "WzE3MjQ5NzYwMDAwMDAsOTkxXQ=="}


def test_v3_last_page_has_no_follow_up() -> None:
    body = {"total": 1, "results": [{"shortcode": "AB12CD34EF", "title": "X"}]}
    assert parse(json.dumps(body).encode(), url=V3).follow == []


@pytest.mark.parametrize("body", [b'{"name": "Atelier"}', b"<html></html>", b"[]"])
def test_not_a_workable_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=V3)
