"""Adzuna adapter: search pages, predicted salaries left out, currency by search country."""

from __future__ import annotations

import json
from typing import Any

import pytest
from board_cases import case_names, check_envelope, check_field, context_for, field_params

from normalizers.mappings import get_mapping
from spiders.parsers.adzuna import country_of, parse
from spiders.parsers.base import NotOfThisKind

KIND = "adzuna"
URL = "https://api.adzuna.com/v1/api/jobs/fr/search/3?app_id=a&app_key=b&results_per_page=2"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def test_last_page_has_no_follow_up() -> None:
    body = {"count": 6, "results": [{"id": "1"}, {"id": "2"}]}
    assert parse(json.dumps(body).encode(), url=URL).follow == []


def test_empty_page_stops_even_below_the_count() -> None:
    assert parse(json.dumps({"count": 600, "results": []}).encode(), url=URL).follow == []


def test_bad_items_are_skipped_and_counted() -> None:
    body = {"count": 3, "results": [{"id": "1"}, {"title": "no id"}, "x"]}
    result = parse(json.dumps(body).encode(), url=URL)
    assert len(result.records) == 1 and len(result.errors) == 2


def test_country_of_search_url() -> None:
    assert country_of(URL) == "FR"


@pytest.mark.parametrize("body", [b'{"exception": "AUTH_FAIL"}', b"<html/>", b"[]"])
def test_not_an_adzuna_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=URL)


def _fr_job(offer_id: str, display_name: str, area: list[str], description: str) -> dict[str, Any]:
    return {
        "__CLASS__": "Adzuna::API::Response::Job",
        "id": offer_id,
        "title": "Caissier (H/F)",
        "description": description,
        "created": "2024-12-01T08:00:00Z",
        "redirect_url": f"https://www.adzuna.fr/land/ad/{offer_id}?se=x&v=1",
        "company": {"__CLASS__": "Adzuna::API::Response::Company", "display_name": "Lumen"},
        "location": {
            "__CLASS__": "Adzuna::API::Response::Location",
            "display_name": display_name,
            "area": area,
        },
    }


FR_JOBS = [
    ("1", "Paris 13e", ["France", "Île-de-France", "Paris"], "75013"),
    ("2", "Lyon 3e Arrondissement", ["France", "Auvergne-Rhône-Alpes", "Lyon"], "69003"),
    ("3", "Aix-en-Provence", ["France", "Provence-Alpes-Côte d'Azur", "Aix-en-Provence"], "13100"),
    ("4", "Paris, Île-de-France", ["France", "Île-de-France", "Paris"], None),
]


def test_french_postal_code_from_area_and_display_name() -> None:
    """The town comes from ``area``, the arrondissement from ``display_name``; no code invented."""
    jobs = [_fr_job(i, name, area, "Votre mission") for i, name, area, _ in FR_JOBS]
    body = json.dumps({"count": len(jobs), "results": jobs}).encode()
    ctx = context_for(KIND, {"url": URL, "context": {"country": "FR", "language": "fr"}})
    records = parse(body, url=URL).records
    postings = {r.source_offer_id: get_mapping(KIND).map_record(r, ctx) for r in records}
    for offer_id, _, area, postal_code in FR_JOBS:
        posting = postings[offer_id]
        assert posting is not None
        assert (posting.city, posting.postal_code) == (area[-1], postal_code)
