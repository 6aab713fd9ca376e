"""GET /offers answers the portal's typical questions, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi.testclient import TestClient

from aggregator.api.cursor import query_digest
from aggregator.api.params import SearchFilters, Sort, StatusFilter
from aggregator.schema import ContractType, Remote, WorkingTime


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/offers", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def keys(body: dict[str, Any]) -> list[str]:
    """Offers of a page by their founding posting's key (readable in failures)."""
    return [item["url"].rsplit("/", 1)[-1] for item in body["items"]]


def test_python_developer_in_lyon_within_30_km_above_40k(client: TestClient) -> None:
    body = search(
        client,
        q="développeur Python",
        place="Lyon",
        radius_km=30,
        contract_type="permanent",
        salary_min=40000,
    )
    found = keys(body)
    # junior (36k), CDD, Grenoble (95 km) and the closed offer are out
    assert set(found) == {"lyon-python-cdi", "villeurbanne-python-cdi", "lyon-data-engineer"}
    # titles that say "Développeur Python" come before the description-only match
    assert found[-1] == "lyon-data-engineer"
    assert body["total"] == {"value": 3, "relation": "eq"}
    assert body["sort"] == "relevance"
    distances = {k: i["distance_km"] for k, i in zip(found, body["items"], strict=True)}
    assert distances["lyon-python-cdi"] < 2 and 3 < distances["villeurbanne-python-cdi"] < 6


def test_full_remote(client: TestClient) -> None:
    body = search(client, q="télétravail complet")
    assert keys(body)[0] == "remote-support"
    assert set(keys(search(client, remote="remote"))) == {"remote-java", "remote-support"}


def test_apprenticeship_in_bordeaux(client: TestClient) -> None:
    body = search(client, q="alternance Bordeaux")
    assert keys(body)[0] == "bordeaux-alternance-commerce"
    assert "toulouse-alternance-rh" not in keys(body)
    near = search(client, contract_type="apprenticeship", place="Bordeaux", radius_km=15)
    assert set(keys(near)) == {"bordeaux-alternance-commerce", "merignac-alternant-dev"}


def test_accents_case_and_plurals_fold(client: TestClient) -> None:
    plain = set(keys(search(client, q="developpeur")))
    assert plain == set(keys(search(client, q="DÉVELOPPEURS")))
    assert {"lyon-python-cdi", "villeurbanne-python-cdi", "merignac-alternant-dev"} <= plain
    assert keys(search(client, q="infirmiere")) == ["lyon-infirmier"]
    assert keys(search(client, q="infirmiers")) == ["lyon-infirmier"]


def test_english_and_german_stemming(client: TestClient) -> None:
    assert keys(search(client, q="developers")) == ["paris-python-en"]
    assert keys(search(client, q="entwickler")) == ["berlin-python-de"]


def test_stop_words_alone_do_not_filter(client: TestClient) -> None:
    assert search(client, q="de la")["total"] == search(client)["total"]


def test_place_forms(client: TestClient) -> None:
    assert set(keys(search(client, place="69", q="python"))) == {
        "lyon-python-cdi",
        "villeurbanne-python-cdi",
        "lyon-data-engineer",
        "lyon-python-junior",
        "lyon-python-cdd",
    }
    assert keys(search(client, place="rhône", q="infirmier")) == ["lyon-infirmier"]
    assert set(keys(search(client, place="Nouvelle Aquitaine"))) == {
        "bordeaux-alternance-commerce",
        "merignac-alternant-dev",
        "bordeaux-vendeur",
    }
    assert set(keys(search(client, place="Allemagne"))) == {"berlin-python-de"}
    assert keys(search(client, place="75008")) == ["paris-comptable"]
    response = client.get("/offers", params={"place": "Xyzzyville"})
    assert response.status_code == 422 and response.json()["error"] == "unknown_place"


def test_radius_around_coordinates(client: TestClient) -> None:
    body = search(client, lat=44.84, lon=-0.58, radius_km=10)
    assert set(keys(body)) == {
        "bordeaux-alternance-commerce",
        "bordeaux-vendeur",
        "merignac-alternant-dev",
    }


def test_filters(client: TestClient) -> None:
    assert keys(search(client, working_time="part_time")) == ["remote-support"]
    # monthly and hourly salaries are compared once annualized
    paid = set(keys(search(client, salary_min=60000)))
    assert paid == {
        "paris-python-en",
        "lyon-data-engineer",
        "lyon-chef-projet",
        "grenoble-python-cdi",
    }
    assert "paris-comptable" in keys(search(client, salary_min=34000, place="Paris"))
    assert set(keys(search(client, source="remoteok"))) == {"paris-python-en", "berlin-python-de"}
    # a source counts when any of the offer's postings comes from it
    assert "lyon-python-cdi" in keys(search(client, source="welcometothejungle", q="python"))
    assert keys(search(client, company="datalyse", sort="salary")) == [
        "lyon-python-cdi",
        "lyon-python-junior",
    ]
    assert keys(search(client, status="closed")) == ["lyon-python-closed"]
    assert len(keys(search(client, status="any", limit=100))) == 18
    recent = set(keys(search(client, posted_since="2026-11-12")))
    assert recent == {"lyon-python-cdi", "lyon-data-engineer"}


def test_sorts(client: TestClient) -> None:
    by_date = search(client, limit=100)["items"]
    dates = [item["listed_at"] for item in by_date]
    assert dates == sorted(dates, reverse=True)
    by_salary = search(client, sort="salary", limit=100)["items"]
    amounts = [item["salary_year_max"] for item in by_salary]
    known = [a for a in amounts if a is not None]
    assert known == sorted(known, reverse=True) and amounts[: len(known)] == known
    assert keys(search(client, sort="salary"))[0] == "paris-python-en"


def test_pages_walk_every_offer_once(client: TestClient) -> None:
    for params in ({}, {"sort": "salary"}, {"q": "python"}, {"q": "développeur", "sort": "date"}):
        everything = keys(search(client, limit=100, **params))
        walked: list[str] = []
        cursor = None
        while True:
            page = search(client, limit=3, **params, **({"cursor": cursor} if cursor else {}))
            walked += keys(page)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert walked == everything, params


def test_cursor_of_another_query_is_refused(client: TestClient) -> None:
    cursor = search(client, limit=2, q="python")["next_cursor"]
    response = client.get("/offers", params={"limit": 2, "q": "java", "cursor": cursor})
    assert response.status_code == 422 and response.json()["error"] == "invalid_cursor"
    response = client.get("/offers", params={"cursor": "not-a-cursor"})
    assert response.status_code == 422


def test_query_digest_is_the_one_earlier_cursors_carry() -> None:
    # the digest serializes the filters dataclass directly: the same bytes as its asdict() form
    # (how it was made before), so cursors handed out earlier still match their query
    filters = SearchFilters(
        q="développeur python", place="Lyon", country="FR", lat=45.76, lon=4.84, radius_km=30.0,
        contract_type=(ContractType.PERMANENT,), working_time=(WorkingTime.FULL_TIME,),
        remote=(Remote.HYBRID,), salary_min=40000.0, posted_since=datetime(2026, 1, 2, tzinfo=UTC),
        source=("indeed", "apec"), company="ACME", status=StatusFilter.ANY,
    )  # fmt: skip
    for value in (filters, SearchFilters()):
        payload = orjson.dumps({"f": asdict(value), "s": "date"}, default=str)
        expected = hashlib.blake2b(payload, digest_size=6).hexdigest()
        assert query_digest(value, Sort.DATE) == expected


def test_posted_since_at_the_ends_of_the_calendar(client: TestClient) -> None:
    # an offset that moves the date out of the calendar in UTC was a 500 (found by schemathesis)
    everything = search(client, status="any")["total"]
    early = search(client, status="any", posted_since="0001-01-01T00:00:01+22:01")
    assert early["total"] == everything
    late = search(client, status="any", posted_since="9999-12-31T23:00:00-05:00")
    assert late["total"] == {"value": 0, "relation": "eq"} and late["items"] == []
    facets = client.get("/facets", params={"posted_since": "9999-12-31T23:00:00-05:00"})
    assert facets.status_code == 200 and facets.json()["total"] == 0
