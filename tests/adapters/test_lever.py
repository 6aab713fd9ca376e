"""Lever adapter: a full page (follow-up with skip+limit), grouped responses, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.lever import parse

KIND = "lever"
URL = "https://api.lever.co/v0/postings/lumen?mode=json&skip=4&limit=2"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_short_page_is_the_last_and_gives_the_total() -> None:
    result = parse(json.dumps([{"id": "a", "text": "A"}]).encode(), url=URL)
    assert result.follow == []
    assert result.total == 5


def test_unpaged_request_has_no_follow_up() -> None:
    body = json.dumps([{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]).encode()
    result = parse(body, url="https://api.lever.co/v0/postings/lumen?mode=json")
    assert result.follow == [] and result.total == 2


def test_grouped_response_is_flattened() -> None:
    body = json.dumps([{"title": "Data", "postings": [{"id": "a", "text": "A"}]}]).encode()
    assert [r.source_offer_id for r in parse(body, url=URL).records] == ["a"]


def test_bad_items_are_skipped_and_counted() -> None:
    body = json.dumps([{"id": "a", "text": "A"}, 42, {"text": "no id"}]).encode()
    result = parse(body, url=URL)
    assert len(result.records) == 1 and len(result.errors) == 2


@pytest.mark.parametrize(
    "body", [b'{"ok":false,"error":"Document not found"}', b"<!DOCTYPE html><html></html>", b"{"]
)
def test_not_a_lever_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)
