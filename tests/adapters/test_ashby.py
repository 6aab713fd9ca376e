"""Ashby adapter: a board with compensation, an unlisted posting left out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params, parsed

from spiders.parsers.ashby import parse
from spiders.parsers.base import NotOfThisKind

KIND = "ashby"
URL = "https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_unlisted_posting_is_not_an_offer() -> None:
    ids = [r.source_offer_id for r in parsed(KIND, "board_with_compensation").records]
    assert "00000000-unlisted" not in ids


def test_bad_items_are_skipped_and_counted() -> None:
    body = {"apiVersion": "1", "jobs": [{"title": "no id"}, [], {"id": "a", "title": "A"}]}
    result = parse(json.dumps(body).encode(), url=URL)
    assert len(result.records) == 1 and len(result.errors) == 2


@pytest.mark.parametrize("body", [b'{"apiVersion": "1"}', b"Not Found", b"<html></html>"])
def test_not_an_ashby_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)
