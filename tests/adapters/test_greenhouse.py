"""Greenhouse adapter: the real 2013 cassette body and a modern board with metadata."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params, mapped

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.greenhouse import parse

KIND = "greenhouse"
URL = "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_double_escaped_content_is_decoded_once_into_text() -> None:
    postings, _ = mapped(KIND, "board_modern_fr")
    description = postings["7434393"]["description"]
    assert "&lt;" not in description and "&amp;" not in description and "<p>" not in description


def test_detail_response_is_one_record() -> None:
    body = json.dumps({"id": 55, "title": "Chef de projet", "absolute_url": "https://x.test/55"})
    result = parse(body.encode(), url="https://boards-api.greenhouse.io/v1/boards/acme/jobs/55")
    assert [r.source_offer_id for r in result.records] == ["55"]


def test_bad_items_are_skipped_and_counted() -> None:
    body = json.dumps({"jobs": [{"id": 1, "title": "A"}, "junk", {"title": "no id"}]})
    result = parse(body.encode(), url=URL)
    assert [r.source_offer_id for r in result.records] == ["1"]
    assert len(result.errors) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Not found</body></html>",
        b'{"error":"Could not find a job with id \'123\' for generalassembly"}',
        b"[1, 2]",
        b"",
    ],
)
def test_not_a_greenhouse_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)
