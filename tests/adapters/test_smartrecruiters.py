"""SmartRecruiters adapter: listing (detail + next-page follow-ups) and a detail with jobAd."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params, parsed

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.smartrecruiters import parse

KIND = "smartrecruiters"
URL = "https://api.smartrecruiters.com/v1/companies/Acme/postings?limit=2&offset=2"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_detail_follow_ups_name_their_offer() -> None:
    details = [f for f in parsed(KIND, "listing_page1").follow if f.purpose == "detail"]
    assert [f.offer_id for f in details] == ["743999912345678", "743999912345679"]


def test_last_page_has_no_next_page() -> None:
    body = {"offset": 2, "limit": 2, "totalFound": 3, "content": [{"id": "9", "name": "X"}]}
    result = parse(json.dumps(body).encode(), url=URL)
    assert [f.purpose for f in result.follow] == ["detail"]
    assert result.follow[0].url == "https://api.smartrecruiters.com/v1/companies/Acme/postings/9"


def test_bad_items_are_skipped_and_counted() -> None:
    body = {"offset": 0, "limit": 10, "totalFound": 2, "content": [{"name": "no id"}, None]}
    result = parse(json.dumps(body).encode(), url=URL)
    assert result.records == [] and len(result.errors) == 2


@pytest.mark.parametrize("body", [b'{"message": "Company not found"}', b"<html/>", b"[]"])
def test_not_a_smartrecruiters_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)
