"""Workday adapter: POST listing pages (offset carried in the fragment), details, quirks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params, parsed

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.workday import parse

KIND = "workday"
LIST = "https://acme.wd3.myworkdayjobs.com/wday/cxs/acme/Careers/jobs"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_next_page_is_a_post_with_the_offset_in_the_body() -> None:
    page = next(f for f in parsed(KIND, "listing_first_page").follow if f.purpose == "page")
    assert page.method == "POST"
    assert json.loads(page.body or b"") == {
        "appliedFacets": {},
        "limit": 20,
        "offset": 3,
        "searchText": "",
    }
    assert page.headers["Content-Type"] == "application/json"


def _page(count: int, total: int) -> bytes:
    postings = [{"title": f"T{i}", "externalPath": f"/job/X/T_{i}"} for i in range(count)]
    return json.dumps({"total": total, "jobPostings": postings}).encode()


def test_later_page_reading_its_offset_from_the_fragment() -> None:
    result = parse(_page(20, 45), url=LIST + "#offset=20&limit=20")
    (page,) = [f for f in result.follow if f.purpose == "page"]
    assert page.url == LIST + "#offset=40&limit=20"


def test_total_zero_on_later_pages_falls_back_to_full_page_rule() -> None:
    full = parse(_page(20, 0), url=LIST + "#offset=20&limit=20")
    assert any(f.purpose == "page" for f in full.follow)
    short = parse(_page(7, 0), url=LIST + "#offset=40&limit=20")
    assert not any(f.purpose == "page" for f in short.follow)


def test_last_page_has_no_next_page() -> None:
    result = parse(_page(5, 45), url=LIST + "#offset=40&limit=20")
    assert [f.purpose for f in result.follow] == ["detail"] * 5


@pytest.mark.parametrize(
    ("body", "url"),
    [
        (b'{"errorCode": "HTTP_404"}', LIST),
        (b"<html>Maintenance</html>", LIST),
        (_page(1, 1), "https://acme.example/jobs"),
    ],
)
def test_not_a_workday_body(body: bytes, url: str) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=url)
