"""Which offers a snapshot holds: the portal API's filters, over live or historical rows.

The semantics are the API's (:mod:`aggregator.api.filters`): a place is resolved with the same
gazetteer and matched on the exact stored values; ``posted_since`` applies to the listing date
(``posted_at``, else ``first_seen_at``); ``company`` is a case-insensitive exact match;
``source`` keeps offers with at least one posting from one of the sources. The conditions are
built over any table with the offer columns (``offers`` now, ``offer_versions`` as of a time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func

from aggregator.api.places import Place, UnknownPlace, resolve_place
from aggregator.errors import UserError
from aggregator.snapshots.times import iso

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Status(StrEnum):
    """Which offers: open (the default, as in the API), closed, or any."""

    OPEN = "open"
    CLOSED = "closed"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class SnapshotFilters:
    """A snapshot's selection; the default is every open offer."""

    status: Status = Status.OPEN
    place: str | None = None
    country: str | None = None
    contract_type: tuple[str, ...] = ()
    working_time: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    company: str | None = None
    posted_since: datetime | None = None

    def resolved_place(self) -> Place | None:
        """The place filter resolved with the gazetteer (a clear error when unknown)."""
        if not self.place:
            return None
        try:
            return resolve_place(self.place, country=self.country)
        except UnknownPlace as exc:
            raise UserError(f"--place: {exc}") from None

    def describe(self) -> dict[str, Any]:
        """The filters as the manifest records them (only those given, plus the status)."""
        out: dict[str, Any] = {"status": self.status.value}
        place = self.resolved_place()
        if place is not None:
            out["place"] = {"query": self.place, "matched": _place_values(place)}
        for name in ("country", "company"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        for name in ("contract_type", "working_time", "remote", "source"):
            if getattr(self, name):
                out[name] = sorted(getattr(self, name))
        if self.posted_since is not None:
            out["posted_since"] = iso(self.posted_since)
        return out


def _place_values(place: Place) -> dict[str, Any]:
    values: dict[str, Any] = {"label": place.label}
    if place.cities:
        values["cities"] = list(place.cities)
    if place.postal_prefix:
        values["postal_code_prefix"] = place.postal_prefix
    if place.regions:
        values["regions"] = list(place.regions)
    if place.country:
        values["country"] = place.country
    return values


def _place_condition(columns: Any, place: Place) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if place.cities:
        parts.append(columns.city.in_(place.cities))
    if place.postal_prefix:
        prefix = place.postal_prefix
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        parts.append(and_(columns.postal_code >= prefix, columns.postal_code < upper))
    if place.regions:
        parts.append(columns.region.in_(place.regions))
    if place.country:
        parts.append(columns.country == place.country)
    return and_(*parts) if parts else false()


def conditions(
    filters: SnapshotFilters,
    columns: Any,
    dialect: str,
    has_source: Callable[[tuple[str, ...]], ColumnElement[bool]],
) -> list[ColumnElement[bool]]:
    """WHERE conditions over ``columns`` (a table's ``.c``); ``has_source`` builds the
    "has a posting from these sources" test for that table."""
    where: list[ColumnElement[bool]] = []
    if filters.status is not Status.ANY:
        where.append(columns.status == filters.status.value)
    place = filters.resolved_place()
    if place is not None:
        where.append(_place_condition(columns, place))
    if filters.country:
        where.append(columns.country == filters.country)
    for name in ("contract_type", "working_time", "remote"):
        values: tuple[str, ...] = getattr(filters, name)
        if values:
            where.append(columns[name].in_(values))
    if filters.posted_since is not None:
        listed = func.coalesce(columns.posted_at, columns.first_seen_at)
        where.append(listed >= filters.posted_since)
    if filters.company:
        # SQLite's lower() folds ASCII letters only: fold the value the same way
        wanted = (
            filters.company.translate(_ASCII_LOWER)
            if dialect == "sqlite"
            else filters.company.lower()
        )
        where.append(func.lower(columns.company) == wanted)
    if filters.source:
        where.append(has_source(filters.source))
    return where
