"""Generic paginated JSON APIs configured from catalogue options."""

from __future__ import annotations

import pytest
from board_cases import case_names, check_envelope, check_field, field_params

from normalizers.mappings.base import SourceContext
from normalizers.mappings.jsonapi import map_record
from spiders.parsers.base import NotOfThisKind
from spiders.parsers.jsonapi import parse

KIND = "jsonapi"
URL = "https://jobs.example.org/api/jobs"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_posting_field(case: str, offer_id: str, field: str, expected: object) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_last_page_has_no_follow_up() -> None:
    result = parse(b'{"data": [{"id": 1}], "next": null}', url=URL)
    assert result.follow == []


def test_next_link_as_object() -> None:
    body = b'{"data": [{"id": 1}], "links": {"next": {"href": "?page=2"}}}'
    result = parse(body, url=URL + "?page=1", options={"next_path": "links.next"})
    assert [f.url for f in result.follow] == [URL + "?page=2"]


def test_next_link_to_the_same_page_stops_a_loop() -> None:
    body = b'{"data": [{"id": 1}], "next": "/api/jobs?page=1"}'
    assert parse(body, url=URL + "?page=1").follow == []


@pytest.mark.parametrize(
    ("options", "count", "expected"),
    [
        ({"page_param": "page"}, 3, [URL + "?page=2"]),
        ({"page_param": "page"}, 0, []),
        ({"page_param": "page", "page_size": 3}, 2, []),
        ({"page_param": "p", "first_page": 0}, 1, [URL + "?p=1"]),
    ],
)
def test_page_number_paging(options: dict[str, object], count: int, expected: list[str]) -> None:
    items = ",".join(f'{{"id": {i}}}' for i in range(count))
    result = parse(f'{{"data": [{items}]}}'.encode(), url=URL, options=options)
    assert [f.url for f in result.follow] == expected


def test_body_that_is_the_list_itself() -> None:
    result = parse(
        b'[{"uid": "a"}, {"uid": "b"}]', url=URL, options={"items_path": ".", "id_field": "uid"}
    )
    assert [r.source_offer_id for r in result.records] == ["a", "b"]


def test_structured_salary_and_location_objects_map() -> None:
    body = b"""{"data": [{"id": "s1", "title": "Data Engineer", "company": {"name": "Lumen"},
      "location": {"label": "Lyon 3e", "city": "Lyon", "postal_code": "69003", "country": "FR"},
      "salary": {"min": 45000, "max": 52000, "currency": "EUR", "period": "year"},
      "url": "https://ex.org/s1", "published_at": "2024-12-01T08:00:00Z"}]}"""
    record = parse(body, url=URL).records[0]
    posting = map_record(record, SourceContext(source="t", kind=KIND, base_url=URL))
    assert posting is not None
    assert posting.company == "Lumen"
    assert posting.location_raw == "Lyon 3e"
    assert posting.postal_code == "69003"
    assert (posting.salary_min, posting.salary_max, posting.salary_currency) == (
        45000,
        52000,
        "EUR",
    )
    assert posting.salary_period is not None and posting.salary_period.value == "year"


@pytest.mark.parametrize("body", [b'{"items": []}', b"<html></html>", b"[1, 2]"])
def test_not_of_this_kind(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)
