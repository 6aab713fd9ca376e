"""The search request: query and filters shared by ``GET /offers`` and ``GET /facets``.

Every bound (query length, page size, radius, list lengths) is declared here, on the query
models, so the OpenAPI document states it and a request is refused with 422 before any SQL runs.

The query string is validated by pydantic-core in one call per model (:func:`_validated`), not
by FastAPI parameter by parameter: FastAPI looks up, inspects and validates each of the 17
declared parameters in Python on every request (about 0.19 ms of CPU, more than a simple
search's SQL). The endpoints therefore declare no query parameter to FastAPI and call
:func:`offers_request` / :func:`search_filters` themselves (not as dependencies: each dependency
costs FastAPI another resolution); the route's ``openapi_extra`` documents the parameters from
the same models (:func:`query_parameters`), and a refused value raises FastAPI's own
:class:`RequestValidationError`, so errors keep their JSON shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar, get_args, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from aggregator.api.errors import ApiError
from aggregator.schema import ContractType, Remote, WorkingTime

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_RADIUS_KM = 300.0
MAX_LIST = 10
MAX_CURSOR_LENGTH = 400  # characters of an opaque cursor (aggregator.api.cursor)
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
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:  # within a day of the calendar's ends: before or after any offer
            if value.year == 1:
                return datetime.min.replace(tzinfo=UTC)
            return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(value, time.min, tzinfo=UTC)


class PageQuery(BaseModel):
    """The page of ``GET /offers``: order, size and cursor."""

    sort: Sort | None = Field(
        None, title="Sort", description="Default: relevance with q, else date."
    )  # (the title FastAPI gave the declared parameter)
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)


class SearchQuery(BaseModel):
    """The query and filters of ``GET /offers`` and ``GET /facets``, as the query has them."""

    q: str | None = Field(
        None, max_length=MAX_QUERY_LENGTH, description="Keywords (any language; plain words)."
    )
    place: str | None = Field(
        None,
        max_length=100,
        description="City, postal code, département (number or name), region or country.",
    )
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(
        None, gt=0, le=MAX_RADIUS_KM, description="Around the place (a city) or lat/lon."
    )
    contract_type: list[ContractType] | None = Field(None, max_length=MAX_LIST)
    working_time: list[WorkingTime] | None = Field(None, max_length=MAX_LIST)
    remote: list[Remote] | None = Field(None, max_length=MAX_LIST)
    salary_min: float | None = Field(
        None, ge=0, le=10_000_000, description="Minimum annualized salary (upper amount)."
    )
    posted_since: date | datetime | None = None
    source: list[str] | None = Field(
        None, max_length=MAX_LIST, description="Source keys (see /sources)."
    )
    company: str | None = Field(None, min_length=1, max_length=200)
    status: StatusFilter = StatusFilter.OPEN


def _is_list(annotation: Any) -> bool:
    return any(get_origin(a) is list for a in (annotation, *get_args(annotation)))


ModelT = TypeVar("ModelT", bound=BaseModel)
# per model, its fields that repeat in the query string (``?source=a&source=b``)
_LISTS: dict[type[BaseModel], frozenset[str]] = {
    model: frozenset(n for n, f in model.model_fields.items() if _is_list(f.annotation))
    for model in (PageQuery, SearchQuery)
}


def _validated(model: type[ModelT], request: Request, errors: list[Any]) -> ModelT | None:
    """The request's query string as ``model``, validated in one call; None when a value is
    refused, its errors added to ``errors`` as FastAPI reports them (``loc`` in the query).

    Read as FastAPI reads query parameters: every value of a list field, the last value of a
    repeated single one, unknown names ignored.
    """
    params = request.query_params
    lists = _LISTS[model]
    values: dict[str, Any] = {}
    for name in params:
        if name in lists:
            values[name] = params.getlist(name)
        elif name in model.model_fields:
            values[name] = params[name]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            errors.append({**error, "loc": ("query", *error["loc"])})
        return None


REF_TEMPLATE = "#/components/schemas/{model}"  # where FastAPI puts the models' schemas


def query_parameters(*models: type[BaseModel]) -> list[dict[str, Any]]:
    """The OpenAPI ``parameters`` of the models' fields, as FastAPI writes declared ones."""
    parameters = []
    for model in models:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE)
        for name, field in schema["properties"].items():
            parameter = {"name": name, "in": "query", "required": False, "schema": field}
            if "description" in field:
                parameter["description"] = field["description"]
            parameters.append(parameter)
    return parameters


def query_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """The component schemas the models' parameters refer to (their enumerations)."""
    found: dict[str, Any] = {}
    for model in models:
        found.update(model.model_json_schema(ref_template=REF_TEMPLATE).get("$defs", {}))
    return found


def to_filters(query: SearchQuery) -> SearchFilters:
    """The validated query as :class:`SearchFilters`: trimmed, repeated values once."""
    for key in query.source or ():
        if not _SOURCE.match(key):
            raise ApiError(422, "invalid_parameter", f"source: {key[:70]!r} is not a source key")
    company = query.company
    if company is not None and "\x00" in company:
        raise ApiError(422, "invalid_parameter", "company: must not contain NUL")
    q, place = query.q, query.place
    return SearchFilters(
        q=q.strip() or None if q else None,
        place=place.strip() or None if place else None,
        country=query.country,
        lat=query.lat,
        lon=query.lon,
        radius_km=query.radius_km,
        contract_type=tuple(dict.fromkeys(query.contract_type or ())),
        working_time=tuple(dict.fromkeys(query.working_time or ())),
        remote=tuple(dict.fromkeys(query.remote or ())),
        salary_min=query.salary_min,
        posted_since=_as_datetime(query.posted_since),
        source=tuple(dict.fromkeys(query.source or ())),
        company=company.strip() or None if company else None,
        status=query.status,
    )


def search_filters(request: Request) -> SearchFilters:
    """The query and filters of ``GET /facets``; 422 (FastAPI's :class:`RequestValidationError`)
    when a value is refused."""
    errors: list[Any] = []
    query = _validated(SearchQuery, request, errors)
    if query is None:
        raise RequestValidationError(errors)
    return to_filters(query)


def offers_request(request: Request) -> tuple[SearchFilters, PageQuery]:
    """The query, filters and page of ``GET /offers``; 422 listing every refused value."""
    errors: list[Any] = []
    query = _validated(SearchQuery, request, errors)
    page = _validated(PageQuery, request, errors)
    if query is None or page is None:
        raise RequestValidationError(errors)
    return to_filters(query), page
