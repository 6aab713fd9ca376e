"""``GET /offers``: one page of matching offers in a stable order, and how many match.

Order is always (sort key descending, ``offer_id`` descending), so a cursor holding the last
row's pair continues exactly after it (keyset pagination). The total is exact up to
:data:`COUNT_CAP`; above it the answer says "at least" (``relation: gte``) instead of paying for
a full count on a national table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, literal, or_, select

from aggregator.api.cursor import Cursor, decode_cursor, encode_cursor, query_digest
from aggregator.api.errors import ApiError
from aggregator.api.filters import Circle, conditions
from aggregator.api.fulltext import TextMatch, restrict, text_match
from aggregator.api.params import SearchFilters, Sort
from aggregator.api.tables import offers
from aggregator.export import iso
from aggregator.store.search_text import query_words

COUNT_CAP = 10_000
SNIPPET_CHARS = 280
SUMMARY_COLUMNS = (
    "offer_id",
    "title",
    "company",
    "url",
    "source",
    "city",
    "postal_code",
    "region",
    "country",
    "latitude",
    "longitude",
    "remote",
    "contract_type",
    "working_time",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_year_min",
    "salary_year_max",
    "posted_at",
    "listed_at",
    "status",
)


def _sort_key(sort: Sort, match: TextMatch | None) -> ColumnElement[Any]:
    if sort is Sort.RELEVANCE and match is not None:
        return match.score
    if sort is Sort.SALARY:
        return offers.c.salary_year_max
    return offers.c.listed_at


def _cursor_value(sort: Sort, value: Any) -> Any:
    if sort is Sort.DATE:
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise ApiError(422, "invalid_cursor", "cursor: bad position; start again")
        return parsed
    if value is None and sort is Sort.SALARY:
        return None
    if not isinstance(value, float):
        raise ApiError(422, "invalid_cursor", "cursor: bad position; start again")
    return value


def _after(sort: Sort, key: ColumnElement[Any], cursor: Cursor) -> ColumnElement[bool]:
    """Rows strictly after the cursor in (key desc nulls last, offer_id desc) order."""
    value = _cursor_value(sort, cursor.value)
    later_id = offers.c.offer_id < cursor.offer_id
    if value is None:
        return and_(key.is_(None), later_id)
    after = or_(key < value, and_(key == value, later_id))
    return or_(after, key.is_(None)) if sort is Sort.SALARY else after


def effective_sort(sort: Sort | None, words: list[str]) -> Sort:
    """Relevance when there are words to rank by, else newest first."""
    if sort is None or (sort is Sort.RELEVANCE and not words):
        return Sort.RELEVANCE if words else Sort.DATE
    return sort


def count_matches(
    conn: Connection, where: list[ColumnElement[bool]], match: TextMatch | None
) -> dict[str, Any]:
    """Exact count up to :data:`COUNT_CAP`, else ``COUNT_CAP`` marked as a lower bound."""
    inner = select(literal(1)).select_from(offers)
    if match is not None:
        inner = restrict(inner, match)
    capped = inner.where(*where).limit(COUNT_CAP + 1).subquery()
    found = conn.execute(select(func.count()).select_from(capped)).scalar_one()
    if found > COUNT_CAP:
        return {"value": COUNT_CAP, "relation": "gte"}
    return {"value": found, "relation": "eq"}


def _summary(row: Any, circle: Circle | None) -> dict[str, Any]:
    record = {name: row._mapping[name] for name in SUMMARY_COLUMNS}
    record["snippet"] = " ".join((row.snippet or "").split())
    record["score"] = float(row.score) if row.score is not None else None
    record["distance_km"] = (
        round(distance, 2)
        if circle and (distance := circle.distance_km(row.latitude, row.longitude)) is not None
        else None
    )
    return record


def search_offers(
    conn: Connection,
    filters: SearchFilters,
    sort: Sort | None,
    limit: int,
    cursor_token: str | None,
) -> dict[str, Any]:
    """One page of offers for ``filters`` (see :class:`aggregator.api.schemas.OfferPage`)."""
    words = query_words(filters.q) if filters.q else []
    sort = effective_sort(sort, words)
    digest = query_digest(filters, sort)
    where, circle = conditions(filters, conn.dialect.name)
    match = text_match(conn.dialect.name, words) if words else None
    key = _sort_key(sort, match)
    score = match.score if match is not None else literal(None)
    query = select(
        *(offers.c[name] for name in SUMMARY_COLUMNS),
        func.substr(offers.c.description, 1, SNIPPET_CHARS).label("snippet"),
        score.label("score"),
        key.label("sort_key"),
    ).select_from(offers)
    if match is not None:
        query = restrict(query, match)
    page_where = list(where)
    if cursor_token:
        page_where.append(_after(sort, key, decode_cursor(cursor_token, digest)))
    order = key.desc().nulls_last() if sort is Sort.SALARY else key.desc()
    query = query.where(*page_where).order_by(order, offers.c.offer_id.desc()).limit(limit + 1)
    rows = conn.execute(query).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        value = last.sort_key
        value = iso(value) if isinstance(value, datetime) else value
        next_cursor = encode_cursor(Cursor(value=value, offer_id=last.offer_id), digest)
    return {
        "total": count_matches(conn, where, match),
        "items": [_summary(row, circle) for row in rows],
        "next_cursor": next_cursor,
        "sort": sort.value,
    }
