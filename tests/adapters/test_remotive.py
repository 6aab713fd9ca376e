"""Remotive: the documented envelope with its legal notice, free-text salary, zone-less dates."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.remotive import parse

KIND = "remotive"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


@pytest.mark.parametrize("body", [b"[]", b'{"0-legal-notice": "x"}', b"<html></html>"])
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url="https://remotive.com/api/remote-jobs")
