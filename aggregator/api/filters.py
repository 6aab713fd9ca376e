"""SQL conditions for the search filters, shared by the offer list and the facets.

Every value is bound. Places are resolved to the exact values the store holds (see
:mod:`aggregator.api.places`); a radius is a bounding box the indexes serve (a GiST index on
``point(longitude, latitude)`` on PostgreSQL, a (latitude, longitude) B-tree on SQLite), refined
by an equirectangular distance, which is exact to well under 1 % at the radii allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, select

from aggregator.api.errors import ApiError
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


def _circle_condition(circle: Circle, dialect: str) -> ColumnElement[bool]:
    lat, lon = offers.c.latitude, offers.c.longitude
    dlat = circle.radius_km / KM_PER_DEGREE
    cos_lat = max(math.cos(math.radians(circle.latitude)), 0.01)
    dlon = min(circle.radius_km / (KM_PER_DEGREE * cos_lat), 180.0)
    if dialect == "postgresql":
        box = func.box(
            func.point(circle.longitude - dlon, circle.latitude - dlat),
            func.point(circle.longitude + dlon, circle.latitude + dlat),
        )
        in_box: ColumnElement[bool] = and_(
            lat.is_not(None), lon.is_not(None), func.point(lon, lat).op("<@")(box)
        )
    else:
        in_box = and_(
            lat.between(circle.latitude - dlat, circle.latitude + dlat),
            lon.between(circle.longitude - dlon, circle.longitude + dlon),
        )
    dy = (lat - circle.latitude) * KM_PER_DEGREE
    dx = (lon - circle.longitude) * (KM_PER_DEGREE * cos_lat)
    return and_(in_box, dx * dx + dy * dy <= circle.radius_km**2)


def _place_condition(place: Place) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if place.cities:
        parts.append(offers.c.city.in_(place.cities))
    if place.postal_prefix:
        prefix = place.postal_prefix
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        parts.append(and_(offers.c.postal_code >= prefix, offers.c.postal_code < upper))
    if place.regions:
        parts.append(offers.c.region.in_(place.regions))
    if place.country:
        parts.append(offers.c.country == place.country)
    return and_(*parts) if parts else false()


def conditions(
    filters: SearchFilters, dialect: str
) -> tuple[list[ColumnElement[bool]], Circle | None]:
    """The WHERE conditions for ``filters`` (without full text), and the radius search if any."""
    where: list[ColumnElement[bool]] = []
    if filters.status is not StatusFilter.ANY:
        where.append(offers.c.status == filters.status.value)
    place = _place(filters)
    circle = circle_of(filters, place)
    around_place = circle is not None and filters.lat is None
    if circle is not None:
        where.append(_circle_condition(circle, dialect))
    if place is not None and not around_place:
        where.append(_place_condition(place))
    if filters.country:
        where.append(offers.c.country == filters.country)
    for name in ("contract_type", "working_time", "remote"):
        values: tuple[Any, ...] = getattr(filters, name)
        if values:
            where.append(offers.c[name].in_([v.value for v in values]))
    if filters.salary_min is not None:
        where.append(offers.c.salary_year_max >= filters.salary_min)
    if filters.posted_since is not None:
        where.append(offers.c.listed_at >= filters.posted_since)
    if filters.company:
        wanted = (
            filters.company.translate(_ASCII_LOWER)
            if dialect == "sqlite"
            else filters.company.lower()
        )
        where.append(func.lower(offers.c.company) == wanted)
    if filters.source:
        where.append(
            exists(
                select(1)
                .select_from(
                    offer_postings.join(postings, postings.c.id == offer_postings.c.posting_id)
                )
                .where(
                    offer_postings.c.offer_id == offers.c.offer_id,
                    postings.c.source.in_(filters.source),
                )
            )
        )
    return where, circle
