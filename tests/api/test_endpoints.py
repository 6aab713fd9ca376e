"""One offer with its provenance, facets, sources, health, and JSON errors."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi.testclient import TestClient

from aggregator.api.database import POOL_SIZE
from aggregator.api.schemas import OfferPage


def offer_id_of(client: TestClient, key: str) -> str:
    items = client.get("/offers", params={"status": "any", "limit": 100}).json()["items"]
    return next(i["offer_id"] for i in items if i["url"].endswith(f"/{key}"))


def test_offer_with_its_postings(client: TestClient) -> None:
    offer_id = offer_id_of(client, "lyon-python-cdi")
    body = client.get(f"/offers/{offer_id}").json()
    assert body["title"] == "Développeur Python confirmé (H/F)"
    assert body["salary_year_min"] == 45000 and body["salary_year_max"] == 55000
    sources = {p["source"]: p for p in body["postings"]}
    assert set(sources) == {"francetravail", "welcometothejungle"}
    duplicate = sources["welcometothejungle"]
    assert duplicate["url"] == "https://www.welcometothejungle.example/jobs/lyon-python-cdi"
    assert duplicate["rule"] == "title_company_city" and duplicate["score"] == 0.93
    assert sources["francetravail"]["rule"] == "founder"
    assert "search_title" not in body and "search_body" not in body


def test_description_html_is_sanitized(client: TestClient) -> None:
    body = client.get(f"/offers/{offer_id_of(client, 'lyon-python-cdi')}").json()
    html = body["description_html"]
    assert "<b>API</b>" in html
    assert "<script" not in html and "onerror" not in html and "alert" not in html
    summary = client.get("/offers", params={"q": "fastapi"}).json()["items"][0]
    assert summary["snippet"].startswith("Vous développerez nos API en Python")


def test_unknown_offer_is_a_json_404(client: TestClient) -> None:
    response = client.get("/offers/off_0000000000")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_facets_follow_query_and_filters(client: TestClient) -> None:
    body = client.get("/facets", params={"q": "python", "place": "Lyon", "radius_km": 30}).json()
    counts = {
        name: {v["value"]: v["count"] for v in body[name]}
        for name in body
        if name not in ("total", "relation")
    }
    assert body["total"] == 5
    assert body["relation"] == "eq"
    assert counts["contract_type"] == {"permanent": 4, "fixed_term": 1}
    assert counts["salary_band"] == {"30k_40k": 1, "40k_50k": 1, "50k_60k": 2, "60k_80k": 1}
    # each offer once, under the source its fields come from (the Lyon duplicate is a
    # welcometothejungle posting merged into a francetravail offer)
    assert counts["source"] == {"francetravail": 4, "welcometothejungle": 1}
    everything = client.get("/facets").json()
    assert everything["total"] == 17
    assert {v["value"]: v["count"] for v in everything["region"]}["Nouvelle-Aquitaine"] == 3


def test_sources_with_health(client: TestClient) -> None:
    body = {s["key"]: s for s in client.get("/sources").json()}
    assert body["francetravail"]["health"] == "degraded"
    assert body["francetravail"]["last_run_status"] == "partial"
    assert body["welcometothejungle"]["health"] == "ok"
    assert body["remoteok"]["health"] == "failing"
    assert body["remoteok"]["last_success_at"] is None
    assert body["remoteok"]["open_offers"] == 2


def test_healthz_and_docs(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["database"] in ("sqlite", "postgresql")
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/offers", "/offers/{offer_id}", "/facets", "/sources", "/healthz"} <= set(paths)


def test_offer_pages_are_the_bytes_of_their_response_model(client: TestClient) -> None:
    # /offers serializes its dict itself (orjson): the bytes must be what FastAPI would have
    # written from the declared model (field order, "Z" for UTC, null scores and distances)
    cases: list[dict[str, Any]] = [
        {"status": "any", "limit": 100},
        {"q": "python", "place": "Lyon", "radius_km": 30},
        {"sort": "salary", "status": "any", "limit": 3},
        {"q": "développeur", "posted_since": "2020-01-01"},
    ]
    for params in cases:
        response = client.get("/offers", params=params)
        assert response.status_code == 200 and response.headers["content-type"] == (
            "application/json"
        )
        page = OfferPage.model_validate_json(response.content)
        assert page.items, params
        assert response.content == page.model_dump_json().encode(), params
        if page.next_cursor:
            following = client.get("/offers", params={**params, "cursor": page.next_cursor})
            again = OfferPage.model_validate_json(following.content)
            assert following.content == again.model_dump_json().encode(), params


def test_bad_parameters_are_422_with_a_message(client: TestClient) -> None:
    cases: list[dict[str, Any]] = [
        {"limit": 0},
        {"limit": 101},
        {"q": "x" * 201},
        {"radius_km": 500, "place": "Lyon"},
        {"radius_km": 10},
        {"lat": 45.0},
        {"contract_type": "CDI"},
        {"salary_min": -1},
        {"posted_since": "yesterday"},
        {"source": "Not A Source!"},
        {"sort": "random"},
        {"status": "deleted"},
        {"radius_km": 10, "place": "Bretagne"},
    ]
    for params in cases:
        response = client.get("/offers", params=params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["error"] in ("invalid_parameter", "unknown_place") and body["message"]


def test_query_string_is_read_as_fastapi_reads_declared_parameters(client: TestClient) -> None:
    # the search endpoints parse their query string themselves (aggregator.api.params)
    body = client.get("/offers", params=[("status", "any"), ("limit", "7"), ("limit", "2")])
    assert len(body.json()["items"]) == 2  # a repeated single value: the last one
    kinds = [("contract_type", "permanent"), ("contract_type", "fixed_term"), ("_", "ignored")]
    both = client.get("/offers", params=kinds).json()["items"]
    assert {i["contract_type"] for i in both} == {"permanent", "fixed_term"}
    bad = client.get("/facets", params={"lat": "north", "radius_km": "0", "status": "open"})
    assert bad.status_code == 422
    details = bad.json()["details"]
    assert [d["parameter"] for d in details] == ["lat", "radius_km"]
    assert "number" in details[0]["message"] and "greater than 0" in details[1]["message"]
    both = client.get("/offers", params={"salary_min": "-1", "limit": "0", "sort": "random"})
    assert [d["parameter"] for d in both.json()["details"]] == ["salary_min", "sort", "limit"]


def test_openapi_documents_every_search_parameter(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    offers = {p["name"]: p for p in document["paths"]["/offers"]["get"]["parameters"]}
    facets = {p["name"] for p in document["paths"]["/facets"]["get"]["parameters"]}
    filters = {"q", "place", "country", "lat", "lon", "radius_km", "contract_type"}
    filters |= {"working_time", "remote", "salary_min", "posted_since", "source", "company"}
    assert set(offers) == filters | {"status", "sort", "limit", "cursor"}
    assert facets == filters | {"status"}
    assert all(p["in"] == "query" and p["required"] is False for p in offers.values())
    assert offers["limit"]["schema"] == {
        "type": "integer", "maximum": 100, "minimum": 1, "default": 20, "title": "Limit"
    }  # fmt: skip
    kinds = offers["contract_type"]["schema"]["anyOf"][0]
    assert kinds == {
        "type": "array", "items": {"$ref": "#/components/schemas/ContractType"}, "maxItems": 10
    }  # fmt: skip
    assert offers["q"]["description"] and offers["q"]["schema"]["anyOf"][0]["maxLength"] == 200
    assert offers["status"]["schema"]["$ref"] == "#/components/schemas/StatusFilter"
    schemas = document["components"]["schemas"]
    assert schemas["StatusFilter"]["enum"] == ["open", "closed", "any"]
    assert schemas["Sort"]["enum"] == ["relevance", "date", "salary"]


def test_a_worker_runs_as_many_queries_at_once_as_its_store_can_use(client: TestClient) -> None:
    # SQLite's queries are CPU in the worker itself: one at a time; PostgreSQL's wait on the
    # server: as many as the pool has connections
    assert client.portal is not None
    tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
    dialect = client.get("/healthz").json()["database"]
    assert tokens == (1 if dialect == "sqlite" else POOL_SIZE)
