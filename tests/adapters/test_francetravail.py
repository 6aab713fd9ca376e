"""France Travail adapter: real offers, Content-Range paging, the 3,150 cap and query splits."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from board_cases import FIXTURES, case_names, check_envelope, check_field, field_params

from spiders.parsers.base import NotOfThisKind
from spiders.parsers.francetravail import parse

KIND = "francetravail"
SEARCH = "https://api.francetravail.io/partenaire/offresdemploi/v2/offres/search"
OFFERS = json.loads((FIXTURES / KIND / "offres_raw_180HSFM_179PPHH.json").read_text("utf-8"))
DATE = "Thu, 05 Sep 2024 12:00:00 GMT"


@pytest.mark.parametrize("case", case_names(KIND))
def test_envelope(case: str) -> None:
    check_envelope(KIND, case)


@pytest.mark.parametrize(("case", "offer_id", "field", "expected"), field_params(KIND))
def test_field(case: str, offer_id: str, field: str, expected: Any) -> None:
    check_field(KIND, case, offer_id, field, expected)


def _body(count: int = 2) -> bytes:
    return json.dumps({"resultats": (OFFERS * 75)[:count], "filtresPossibles": []}).encode()


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_next_range_from_content_range() -> None:
    headers = {"content-range": "offres 0-149/353"}
    result = parse(_body(150), url=f"{SEARCH}?motsCles=boulanger&range=0-149", headers=headers)
    assert result.total == 353
    (page,) = result.follow
    assert _query(page.url) == {"motsCles": "boulanger", "range": "150-299"}


def test_last_range_is_clipped_to_the_total() -> None:
    headers = {"Content-Range": "offres 150-299/353"}
    result = parse(_body(150), url=f"{SEARCH}?range=150-299", headers=headers)
    assert _query(result.follow[0].url)["range"] == "300-352"
    done = parse(
        _body(53), url=f"{SEARCH}?range=300-352", headers={"Content-Range": "offres 300-352/353"}
    )
    assert done.follow == []


def test_no_content_is_zero_offers() -> None:
    result = parse(b"", url=f"{SEARCH}?departement=2A&range=0-149")
    assert result.records == [] and result.total == 0 and result.follow == []


def test_over_the_cap_splits_by_creation_date_windows() -> None:
    headers = {"Content-Range": "offres 0-149/48210", "Date": DATE}
    result = parse(_body(150), url=f"{SEARCH}?motsCles=vendeur&range=0-149", headers=headers)
    assert len(result.records) == 150
    windows = [
        (_query(f.url)["minCreationDate"], _query(f.url)["maxCreationDate"]) for f in result.follow
    ]
    assert windows == [
        ("2000-01-01T00:00:00Z", "2012-05-04T06:00:00Z"),
        ("2012-05-04T06:00:00Z", "2024-09-05T12:00:00Z"),
    ]
    assert all("departement" not in _query(f.url) for f in result.follow)
    assert all(_query(f.url)["motsCles"] == "vendeur" for f in result.follow)
    assert all(_query(f.url)["range"] == "0-149" for f in result.follow)


def test_departement_over_the_cap_splits_by_creation_date_windows() -> None:
    headers = {"Content-Range": "offres 0-149/5400", "Date": DATE}
    result = parse(_body(150), url=f"{SEARCH}?departement=75&range=0-149", headers=headers)
    windows = [
        (_query(f.url)["minCreationDate"], _query(f.url)["maxCreationDate"]) for f in result.follow
    ]
    assert windows == [
        ("2000-01-01T00:00:00Z", "2012-05-04T06:00:00Z"),
        ("2012-05-04T06:00:00Z", "2024-09-05T12:00:00Z"),
    ]
    assert all(_query(f.url)["departement"] == "75" for f in result.follow)


def test_window_over_the_cap_is_halved_again() -> None:
    window = "minCreationDate=2024-08-01T00:00:00Z&maxCreationDate=2024-09-01T00:00:00Z"
    url = f"{SEARCH}?departement=75&{window}"
    result = parse(_body(150), url=url, headers={"Content-Range": "offres 0-149/4000"})
    assert [_query(f.url)["maxCreationDate"] for f in result.follow] == [
        "2024-08-16T12:00:00Z",
        "2024-09-01T00:00:00Z",
    ]


def test_window_too_small_to_split_pages_to_the_cap_and_says_so() -> None:
    window = "minCreationDate=2024-08-01T00:00:00Z&maxCreationDate=2024-08-01T00:00:30Z"
    url = f"{SEARCH}?commune=75056&{window}"
    result = parse(_body(150), url=url, headers={"Content-Range": "offres 0-149/4000"})
    assert [_query(f.url)["range"] for f in result.follow] == ["150-299"]
    assert len(result.errors) == 1


def test_paging_stops_at_the_api_cap() -> None:
    headers = {"Content-Range": "offres 2850-2999/3150"}
    result = parse(_body(150), url=f"{SEARCH}?departement=13&range=2850-2999", headers=headers)
    assert _query(result.follow[0].url)["range"] == "3000-3149"
    last = parse(
        _body(150),
        url=f"{SEARCH}?range=3000-3149",
        headers={"Content-Range": "offres 3000-3149/3150"},
    )
    assert last.follow == []


def test_bad_items_are_skipped_and_counted() -> None:
    body = json.dumps({"resultats": [OFFERS[0], {"intitule": "sans id"}, 3]}).encode()
    result = parse(body, url=SEARCH, headers={"Content-Range": "offres 0-2/3"})
    assert len(result.records) == 1 and len(result.errors) == 2


@pytest.mark.parametrize(
    "body", [b'{"codeErreur": "401", "message": "Token invalide"}', b"<html></html>", b"[]"]
)
def test_not_a_france_travail_body(body: bytes) -> None:
    with pytest.raises(NotOfThisKind):
        parse(body, url=SEARCH)
