"""The endpoints: thin functions from validated parameters to the query modules' results.

Endpoints are plain ``def``: FastAPI runs them in its thread pool, so a slow query never blocks
the event loop. Each opens its pooled read-only connection itself (:func:`connection`) rather
than through a generator dependency: FastAPI runs a sync generator's entry and exit in the
thread pool too, and those two extra thread hops per request cost more CPU than a simple search
(``benchmarks.bench_api``). The search endpoints parse their query string themselves, in one
validation per model, and document it with ``openapi_extra`` (:mod:`aggregator.api.params`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import Connection, text

from aggregator.api.cache import TtlCache
from aggregator.api.errors import ApiError
from aggregator.api.facets import compute_facets
from aggregator.api.params import (
    PageQuery,
    SearchQuery,
    offers_request,
    query_parameters,
    search_filters,
)
from aggregator.api.records import get_offer, list_sources
from aggregator.api.schemas import ErrorOut, Facets, Health, OfferDetail, OfferPage, SourceOut
from aggregator.api.search import search_offers
from aggregator.store import migrate

router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Invalid parameter"},
    503: {"model": ErrorOut, "description": "Store unavailable"},
}


@contextmanager
def connection(request: Request) -> Iterator[Connection]:
    """A read-only connection for the request, in one transaction (a consistent snapshot)."""
    with request.app.state.engine.connect() as conn, conn.begin():
        yield conn


def json_answer(content: dict[str, Any]) -> Response:
    """``content`` serialized once, by orjson.

    Returned as a dict, FastAPI would validate it against the route's response model and
    serialize the model (about 0.17 ms of CPU for a page of 20 summaries). The query modules
    build the dict in the model's field order and orjson writes UTC as pydantic does ("Z"), so
    the bytes are the model's (``tests/api/test_endpoints.py``); the route still declares the
    model, for the OpenAPI document and schemathesis.
    """
    return Response(orjson.dumps(content, option=orjson.OPT_UTC_Z), media_type="application/json")


def _version(request: Request) -> Hashable | None:
    """The store's data version, read before computing an answer that may be cached."""
    if request.app.state.facet_cache.ttl <= 0:
        return None  # nothing is cached: spare PostgreSQL the round trip
    version: Hashable | None = request.app.state.data_version.current()
    return version


@router.get(
    "/offers",
    response_model=OfferPage,
    responses=ERRORS,
    tags=["offers"],
    openapi_extra={"parameters": query_parameters(PageQuery, SearchQuery)},
)
def offers_page(request: Request) -> Any:
    """Search consolidated offers: keywords, filters, sort, cursor pagination."""
    filters, page = offers_request(request)
    with connection(request) as conn:
        answer = search_offers(conn, filters, page.sort, page.limit, page.cursor)
    return json_answer(answer)


@router.get(
    "/offers/{offer_id}",
    response_model=OfferDetail,
    responses={404: {"model": ErrorOut, "description": "Unknown offer"}, **ERRORS},
    tags=["offers"],
)
def offer_detail(
    request: Request, offer_id: Annotated[str, Path(min_length=1, max_length=40)]
) -> Any:
    """One consolidated offer with its postings (each source's URL)."""
    record = None
    if "\x00" not in offer_id:
        with connection(request) as conn:
            record = get_offer(conn, offer_id)
    if record is None:
        raise ApiError(404, "not_found", f"no offer {offer_id[:40]!r}")
    return record


@router.get(
    "/facets",
    response_model=Facets,
    responses=ERRORS,
    tags=["offers"],
    openapi_extra={"parameters": query_parameters(SearchQuery)},
)
def facets(request: Request) -> Any:
    """Counts per contract type, working time, remote, region, source and salary band."""
    filters = search_filters(request)

    def compute() -> Any:
        with connection(request) as conn:
            return compute_facets(conn, filters)

    cache: TtlCache = request.app.state.facet_cache
    return cache.get_or_compute(filters, compute, _version(request))


@router.get("/sources", response_model=list[SourceOut], responses=ERRORS, tags=["sources"])
def sources(request: Request) -> Any:
    """The sources with their open offers and health (from their last crawl runs)."""

    def compute() -> Any:
        with connection(request) as conn:
            return list_sources(conn)

    cache: TtlCache = request.app.state.source_cache
    return cache.get_or_compute("sources", compute, _version(request))


@router.get("/healthz", response_model=Health, responses=ERRORS, tags=["health"])
def healthz(request: Request) -> Any:
    """Liveness, and whether the store answers."""
    with connection(request) as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        database = conn.dialect.name
    return {
        "status": "ok" if revision == migrate.head_revision() else "schema_mismatch",
        "database": database,
        "schema_revision": revision,
    }
