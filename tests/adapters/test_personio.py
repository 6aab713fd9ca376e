"""Personio adapter: the XML feed (CDATA sections, a position without id)."""

from __future__ import annotations

from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, field_params, parsed

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.personio import parse

KIND = "personio"
URL = "https://acme.jobs.personio.de/xml"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_positions_become_plain_dicts() -> None:
    data = parsed(KIND, "feed_de").records[0].data
    assert data["additionalOffices"] == ["Bremen"]
    assert data["jobDescriptions"][1]["name"] == "Dein Profil"
    assert data["jobDescriptions"][1]["value"].startswith("<p>Abgeschlossene Ausbildung")


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Feed disabled</body></html>",
        b"<rss version='2.0'><channel/></rss>",
        b"<workzag-jobs><position>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workzag-jobs/>',
        b'{"jobs": []}',
    ],
)
def test_not_a_personio_feed(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)


def test_empty_feed_is_zero_offers() -> None:
    result = parse(b"<?xml version='1.0'?><workzag-jobs></workzag-jobs>", url=URL)
    assert result.records == [] and result.total == 0
