"""The search request: query and filters shared by ``GET /offers`` and ``GET /facets``.

Every bound (query length, page size, radius, list lengths) is declared here, so the OpenAPI
document states it and FastAPI answers 422 before any SQL runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated

from fastapi import Query

from aggregator.api.errors import ApiError
from aggregator.schema import ContractType, Remote, WorkingTime

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_RADIUS_KM = 300.0
MAX_LIST = 10
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class Sort(StrEnum):
    """Result order: relevance needs ``q``; date and salary are newest / highest first."""

    RELEVANCE = "relevance"
    DATE = "date"
    SALARY = "salary"


class StatusFilter(StrEnum):
    """Which offers: open (default), closed, or any."""

    OPEN = "open"
    CLOSED = "closed"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """A validated search request (without the page: sort, size and cursor)."""

    q: str | None = None
    place: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    contract_type: tuple[ContractType, ...] = ()
    working_time: tuple[WorkingTime, ...] = ()
    remote: tuple[Remote, ...] = ()
    salary_min: float | None = None
    posted_since: datetime | None = None
    source: tuple[str, ...] = ()
    company: str | None = None
    status: StatusFilter = StatusFilter.OPEN


def _as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.min, tzinfo=UTC)


async def search_filters(
    q: Annotated[
        str | None,
        Query(max_length=MAX_QUERY_LENGTH, description="Keywords (any language; plain words)."),
    ] = None,
    place: Annotated[
        str | None,
        Query(
            max_length=100,
            description="City, postal code, département (number or name), region or country.",
        ),
    ] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_km: Annotated[
        float | None,
        Query(gt=0, le=MAX_RADIUS_KM, description="Around the place (a city) or lat/lon."),
    ] = None,
    contract_type: Annotated[list[ContractType] | None, Query(max_length=MAX_LIST)] = None,
    working_time: Annotated[list[WorkingTime] | None, Query(max_length=MAX_LIST)] = None,
    remote: Annotated[list[Remote] | None, Query(max_length=MAX_LIST)] = None,
    salary_min: Annotated[
        float | None,
        Query(ge=0, le=10_000_000, description="Minimum annualized salary (upper amount)."),
    ] = None,
    posted_since: Annotated[date | datetime | None, Query()] = None,
    source: Annotated[
        list[str] | None, Query(max_length=MAX_LIST, description="Source keys (see /sources).")
    ] = None,
    company: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    status: StatusFilter = StatusFilter.OPEN,
) -> SearchFilters:
    """FastAPI dependency: the query string as :class:`SearchFilters`."""
    for key in source or ():
        if not _SOURCE.match(key):
            raise ApiError(422, "invalid_parameter", f"source: {key[:70]!r} is not a source key")
    if company is not None and "\x00" in company:
        raise ApiError(422, "invalid_parameter", "company: must not contain NUL")
    return SearchFilters(
        q=q.strip() or None if q else None,
        place=place.strip() or None if place else None,
        country=country,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        contract_type=tuple(dict.fromkeys(contract_type or ())),
        working_time=tuple(dict.fromkeys(working_time or ())),
        remote=tuple(dict.fromkeys(remote or ())),
        salary_min=salary_min,
        posted_since=_as_datetime(posted_since),
        source=tuple(dict.fromkeys(source or ())),
        company=company.strip() or None if company else None,
        status=status,
    )
