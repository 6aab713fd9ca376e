"""Himalayas: limit/offset paging, millisecond dates, annual salaries."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.himalayas import parse

KIND = "himalayas"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


def _page(offset: int, limit: int, count: int, total: int | None) -> bytes:
    jobs = ",".join(f'{{"guid": "https://himalayas.app/j/{offset + i}"}}' for i in range(count))
    total_part = f', "totalCount": {total}' if total is not None else ""
    return f'{{"offset": {offset}, "limit": {limit}{total_part}, "jobs": [{jobs}]}}'.encode()


def test_full_page_without_total_follows() -> None:
    result = parse(_page(20, 20, 20, None), url="https://himalayas.app/jobs/api?limit=20&offset=20")
    assert [f.url for f in result.follow] == ["https://himalayas.app/jobs/api?limit=20&offset=40"]


def test_short_page_stops() -> None:
    result = parse(_page(40, 20, 7, None), url="https://himalayas.app/jobs/api?limit=20&offset=40")
    assert result.follow == []


def test_total_reached_stops() -> None:
    result = parse(_page(20, 20, 20, 40), url="https://himalayas.app/jobs/api?limit=20&offset=20")
    assert result.follow == []


def test_offset_read_from_url_when_body_omits_it() -> None:
    body = b'{"jobs": [{"guid": "a"}, {"guid": "b"}]}'
    result = parse(body, url="https://himalayas.app/jobs/api?limit=2&offset=4")
    assert [f.url for f in result.follow] == ["https://himalayas.app/jobs/api?limit=2&offset=6"]


@pytest.mark.parametrize("body", [b"[]", b'{"message": "Too Many Requests"}', b"<html>"])
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url="https://himalayas.app/jobs/api")
