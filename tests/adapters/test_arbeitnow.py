"""Arbeitnow: Laravel paging (links.next), created_at as a number or a string, remote flag."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.arbeitnow import parse
from spiders.parsers.base import NotOfThisKind

KIND = "arbeitnow"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_relative_next_link_is_made_absolute() -> None:
    body = b'{"data": [{"slug": "a"}], "links": {"next": "/api/job-board-api?page=3"}}'
    result = parse(body, url="https://www.arbeitnow.com/api/job-board-api?page=2")
    assert [f.url for f in result.follow] == ["https://www.arbeitnow.com/api/job-board-api?page=3"]


@pytest.mark.parametrize("body", [b"[]", b'{"links": {}}', b"<html>"])
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url="https://www.arbeitnow.com/api/job-board-api")
