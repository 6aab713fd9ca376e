"""SQL conditions for the search filters, shared by the offer list and the facets.

A request's filters become a :class:`Where`: its *shape* (which conditions apply) and the
values they bind. The SQL of a shape is built once (:func:`where_clauses`) and reused by every
request of that shape (docs/api.md, "Statements per shape"). Every value is bound. Places are
resolved to the exact values the store holds (see :mod:`aggregator.api.places`); a radius is a
bounding box the indexes serve (a GiST index on ``point(longitude, latitude)`` on PostgreSQL, a
(latitude, longitude) B-tree on SQLite), refined by an equirectangular distance, which is exact
to well under 1 % at the radii allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Float,
    Text,
    and_,
    bindparam,
    exists,
    false,
    func,
    select,
)

from aggregator.api.errors import ApiError
from aggregator.api.geocells import covering
from aggregator.api.params import SearchFilters, StatusFilter
from aggregator.api.places import Place, UnknownPlace, resolve_place
from aggregator.api.tables import offer_postings, offers, postings

KM_PER_DEGREE = 111.195
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class Circle:
    """A radius search: centre (latitude, longitude) and radius in km."""

    latitude: float
    longitude: float
    radius_km: float

    def distance_km(self, latitude: float | None, longitude: float | None) -> float | None:
        """Distance of a point from the centre (the same approximation as the SQL filter)."""
        if latitude is None or longitude is None:
            return None
        dy = (latitude - self.latitude) * KM_PER_DEGREE
        dx = (longitude - self.longitude) * KM_PER_DEGREE * math.cos(math.radians(self.latitude))
        return math.hypot(dx, dy)


def _place(filters: SearchFilters) -> Place | None:
    if not filters.place:
        return None
    try:
        return resolve_place(filters.place, country=filters.country)
    except UnknownPlace as exc:
        raise ApiError(422, "unknown_place", f"place: {exc}") from None


def circle_of(filters: SearchFilters, place: Place | None) -> Circle | None:
    """The radius search asked for, if any (around lat/lon, else around the place)."""
    if filters.radius_km is None:
        if (filters.lat is None) != (filters.lon is None):
            raise ApiError(422, "invalid_parameter", "lat and lon go together")
        return None
    if filters.lat is not None and filters.lon is not None:
        return Circle(filters.lat, filters.lon, filters.radius_km)
    if place is not None and place.centre is not None:
        return Circle(place.centre[0], place.centre[1], filters.radius_km)
    raise ApiError(
        422, "invalid_parameter", "radius_km needs lat and lon, or a place that is a city"
    )


@dataclass(frozen=True, slots=True)
class Where:
    """The filter conditions of a request: which apply (``shape``) and the values they bind."""

    shape: tuple[str, ...]
    params: dict[str, Any] = field(compare=False)
    circle: Circle | None = field(default=None, compare=False)


def _circle_params(circle: Circle) -> dict[str, float]:
    dlat = circle.radius_km / KM_PER_DEGREE
    cos_lat = max(math.cos(math.radians(circle.latitude)), 0.01)
    dlon = min(circle.radius_km / (KM_PER_DEGREE * cos_lat), 180.0)
    return {
        "c_lat": circle.latitude,
        "c_lon": circle.longitude,
        "c_lat_lo": circle.latitude - dlat,
        "c_lat_hi": circle.latitude + dlat,
        "c_lon_lo": circle.longitude - dlon,
        "c_lon_hi": circle.longitude + dlon,
        "c_km_lon": KM_PER_DEGREE * cos_lat,
        "c_r2": circle.radius_km**2,
    }


def _distance_condition() -> ColumnElement[bool]:
    """Inside the radius by the equirectangular distance (no index serves it alone)."""
    lat, lon = offers.c.latitude, offers.c.longitude
    dy = (lat - bindparam("c_lat")) * KM_PER_DEGREE
    dx = (lon - bindparam("c_lon")) * bindparam("c_km_lon")
    return dx * dx + dy * dy <= bindparam("c_r2")


def _cells_condition() -> ColumnElement[bool]:
    """PostgreSQL, with words: one of the cells covering the circle, a key of the GIN index
    that holds the words too (migration 0011), refined by the distance."""
    cells = func.search_cells(offers.c.latitude, offers.c.longitude)
    return and_(cells.op("&&")(bindparam("c_cells", type_=ARRAY(Text))), _distance_condition())


def with_cells(where: Where) -> Where:
    """PostgreSQL, for a search with words: ``where`` with its circle tested on the grid
    cells covering it instead of the GiST box (:func:`_cells_condition`), so the words and the
    place are intersected inside one GIN index; unchanged without a circle, or when too many
    cells would be needed (:func:`aggregator.api.geocells.covering`)."""
    circle = where.circle
    cover = covering(circle.latitude, circle.longitude, circle.radius_km) if circle else None
    if cover is None:
        return where
    shape = tuple("circle_cells" if name == "circle" else name for name in where.shape)
    return Where(shape, {**where.params, "c_cells": list(cover.cells)}, circle)


def _circle_condition(dialect: str) -> ColumnElement[bool]:
    """Inside the radius: a bounding box the index serves, refined by the distance."""
    lat, lon = offers.c.latitude, offers.c.longitude
    lat_lo, lat_hi = bindparam("c_lat_lo", type_=Float), bindparam("c_lat_hi", type_=Float)
    lon_lo, lon_hi = bindparam("c_lon_lo", type_=Float), bindparam("c_lon_hi", type_=Float)
    if dialect == "postgresql":
        box = func.box(func.point(lon_lo, lat_lo), func.point(lon_hi, lat_hi))
        in_box: ColumnElement[bool] = and_(
            lat.is_not(None), lon.is_not(None), func.point(lon, lat).op("<@")(box)
        )
    else:
        in_box = and_(lat.between(lat_lo, lat_hi), lon.between(lon_lo, lon_hi))
    return and_(in_box, _distance_condition())


def _place_params(place: Place) -> tuple[list[str], dict[str, Any]]:
    shape: list[str] = []
    params: dict[str, Any] = {}
    if place.cities:
        shape.append("place_cities")
        params["p_cities"] = list(place.cities)
    if place.postal_prefix:
        prefix = place.postal_prefix
        shape.append("place_postal")
        params["p_postal_lo"] = prefix
        params["p_postal_hi"] = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    if place.regions:
        shape.append("place_regions")
        params["p_regions"] = list(place.regions)
    if place.country:
        shape.append("place_country")
        params["p_country"] = place.country
    return shape or ["place_nothing"], params


def where_of(filters: SearchFilters, dialect: str) -> Where:
    """The conditions for ``filters`` (without full text), and the radius search if any."""
    shape: list[str] = []
    params: dict[str, Any] = {}
    if filters.status is not StatusFilter.ANY:
        shape.append("status")
        params["f_status"] = filters.status.value
    place = _place(filters)
    circle = circle_of(filters, place)
    if circle is not None:
        shape.append("circle")
        params.update(_circle_params(circle))
    if place is not None and not (circle is not None and filters.lat is None):
        place_shape, place_params = _place_params(place)
        shape.extend(place_shape)
        params.update(place_params)
    if filters.country:
        shape.append("country")
        params["f_country"] = filters.country
    for name in ("contract_type", "working_time", "remote"):
        values: tuple[Any, ...] = getattr(filters, name)
        if values:
            shape.append(name)
            params[f"f_{name}"] = [v.value for v in values]
    if filters.salary_min is not None:
        shape.append("salary_min")
        params["f_salary_min"] = filters.salary_min
    if filters.posted_since is not None:
        shape.append("posted_since")
        params["f_posted_since"] = filters.posted_since
    if filters.company:
        shape.append("company")
        params["f_company"] = (
            filters.company.translate(_ASCII_LOWER)
            if dialect == "sqlite"
            else filters.company.lower()
        )
    if filters.source:
        shape.append("source")
        params["f_source"] = list(filters.source)
    return Where(tuple(shape), params, circle)


def _source_condition() -> ColumnElement[bool]:
    """Any of the offer's postings comes from one of the sources."""
    return exists(
        select(1)
        .select_from(offer_postings.join(postings, postings.c.id == offer_postings.c.posting_id))
        .where(
            offer_postings.c.offer_id == offers.c.offer_id,
            postings.c.source.in_(bindparam("f_source", expanding=True)),
        )
    )


def _condition(name: str, dialect: str) -> ColumnElement[bool]:
    """The SQL of one condition of a shape, its values left as named parameters."""
    match name:
        case "status":
            return offers.c.status == bindparam("f_status")
        case "circle":
            return _circle_condition(dialect)
        case "circle_cells":
            return _cells_condition()
        case "place_cities":
            return offers.c.city.in_(bindparam("p_cities", expanding=True))
        case "place_postal":
            return and_(
                offers.c.postal_code >= bindparam("p_postal_lo"),
                offers.c.postal_code < bindparam("p_postal_hi"),
            )
        case "place_regions":
            return offers.c.region.in_(bindparam("p_regions", expanding=True))
        case "place_country":
            return offers.c.country == bindparam("p_country")
        case "place_nothing":
            return false()
        case "country":
            return offers.c.country == bindparam("f_country")
        case "contract_type" | "working_time" | "remote":
            return offers.c[name].in_(bindparam(f"f_{name}", expanding=True))
        case "salary_min":
            return offers.c.salary_year_max >= bindparam("f_salary_min")
        case "posted_since":
            return offers.c.listed_at >= bindparam("f_posted_since")
        case "company":
            return func.lower(offers.c.company) == bindparam("f_company")
        case "source":
            return _source_condition()
    raise ValueError(f"unknown filter condition {name!r}")


@lru_cache(maxsize=512)
def where_clauses(shape: tuple[str, ...], dialect: str) -> tuple[ColumnElement[bool], ...]:
    """The WHERE conditions of a shape (built once per shape and dialect)."""
    return tuple(_condition(name, dialect) for name in shape)
