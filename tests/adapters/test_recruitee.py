"""Recruitee adapter: the offers listing, a detail, unpublished offers left out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.recruitee import parse

KIND = "recruitee"
URL = "https://acme.recruitee.com/api/offers/"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_detail_and_unpublished() -> None:
    detail = parse(json.dumps({"offer": {"id": 7, "title": "X"}}).encode(), url=URL + "x")
    assert [r.source_offer_id for r in detail.records] == ["7"]
    body = {"offers": [{"id": 1, "status": "draft"}, {"id": 2, "status": "published"}, {"x": 1}]}
    listing = parse(json.dumps(body).encode(), url=URL)
    assert [r.source_offer_id for r in listing.records] == ["2"]
    assert len(listing.errors) == 1


@pytest.mark.parametrize("body", [b'{"error": "not found"}', b"<html></html>", b"null"])
def test_not_a_recruitee_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)
