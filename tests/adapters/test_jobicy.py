"""Jobicy: the real 2024-12-05 response (8 jobs, string salaries, zone-less dates)."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.jobicy import parse

KIND = "jobicy"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_missing_id_is_an_item_error() -> None:
    result = parse(
        b'{"jobCount": 2, "jobs": [{"id": 5, "jobTitle": "A"}, {"jobTitle": "B"}]}', url="u"
    )
    assert [r.source_offer_id for r in result.records] == ["5"]
    assert result.total == 2
    assert result.errors == ["jobicy: item 1: no id"]


@pytest.mark.parametrize("body", [b"[]", b'{"error": "rate limited"}', b"<!DOCTYPE html><html>"])
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url="https://jobicy.com/api/v2/remote-jobs")
