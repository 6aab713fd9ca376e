"""The endpoints: thin functions from validated parameters to the query modules' results.

Endpoints are plain ``def``: FastAPI runs them in its thread pool, each on a pooled read-only
connection, so a slow query never blocks the event loop.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import Connection, text

from aggregator.api.cache import TtlCache
from aggregator.api.cursor import MAX_CURSOR_LENGTH
from aggregator.api.errors import ApiError
from aggregator.api.facets import compute_facets
from aggregator.api.params import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    SearchFilters,
    Sort,
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


def connection(request: Request) -> Iterator[Connection]:
    """A read-only connection for the request, in one transaction (a consistent snapshot)."""
    with request.app.state.engine.connect() as conn, conn.begin():
        yield conn


def _version(request: Request) -> Hashable | None:
    """The store's data version, read before computing an answer that may be cached."""
    if request.app.state.facet_cache.ttl <= 0:
        return None  # nothing is cached: spare PostgreSQL the round trip
    version: Hashable | None = request.app.state.data_version.current()
    return version


Conn = Annotated[Connection, Depends(connection)]
Filters = Annotated[SearchFilters, Depends(search_filters)]


@router.get("/offers", response_model=OfferPage, responses=ERRORS, tags=["offers"])
def offers_page(
    conn: Conn,
    filters: Filters,
    sort: Annotated[Sort | None, Query(description="Default: relevance with q, else date.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> Any:
    """Search consolidated offers: keywords, filters, sort, cursor pagination."""
    return search_offers(conn, filters, sort, limit, cursor)


@router.get(
    "/offers/{offer_id}",
    response_model=OfferDetail,
    responses={404: {"model": ErrorOut, "description": "Unknown offer"}, **ERRORS},
    tags=["offers"],
)
def offer_detail(conn: Conn, offer_id: Annotated[str, Path(min_length=1, max_length=40)]) -> Any:
    """One consolidated offer with its postings (each source's URL)."""
    record = get_offer(conn, offer_id) if "\x00" not in offer_id else None
    if record is None:
        raise ApiError(404, "not_found", f"no offer {offer_id[:40]!r}")
    return record


@router.get("/facets", response_model=Facets, responses=ERRORS, tags=["offers"])
def facets(request: Request, conn: Conn, filters: Filters) -> Any:
    """Counts per contract type, working time, remote, region, source and salary band."""
    cache: TtlCache = request.app.state.facet_cache
    return cache.get_or_compute(filters, lambda: compute_facets(conn, filters), _version(request))


@router.get("/sources", response_model=list[SourceOut], responses=ERRORS, tags=["sources"])
def sources(request: Request, conn: Conn) -> Any:
    """The sources with their open offers and health (from their last crawl runs)."""
    cache: TtlCache = request.app.state.source_cache
    return cache.get_or_compute("sources", lambda: list_sources(conn), _version(request))


@router.get("/healthz", response_model=Health, responses=ERRORS, tags=["health"])
def healthz(conn: Conn) -> Any:
    """Liveness, and whether the store answers."""
    conn.execute(text("SELECT 1"))
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {
        "status": "ok" if revision == migrate.head_revision() else "schema_mismatch",
        "database": conn.dialect.name,
        "schema_revision": revision,
    }
