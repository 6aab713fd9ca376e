"""``GET /offers``: one page of matching offers in a stable order, and how many match.

Order is always (sort key descending, ``offer_id`` descending), so a cursor holding the last
row's pair continues exactly after it (keyset pagination). Relevance ranks a bounded window of
the most recent matches (:mod:`aggregator.api.ranking`). The total (:mod:`aggregator.api.counting`)
is exact up to its cap, exact from the store's counters when nothing filters, else "at least"
(``relation: gte``); it is worked out on the first page only and carried by the cursor.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, func, or_, select

from aggregator.api.counting import COUNT_CAP, Total, count_matches, window_total
from aggregator.api.cursor import Cursor, decode_cursor, encode_cursor, query_digest
from aggregator.api.errors import ApiError
from aggregator.api.filters import Circle, Where, where_clauses, where_of
from aggregator.api.fulltext import TextMatch, restrict, text_match
from aggregator.api.params import SearchFilters, Sort
from aggregator.api.ranking import RANK_WINDOW, ranked_page
from aggregator.api.summary import offer_total
from aggregator.api.tables import offers
from aggregator.export import iso
from aggregator.store.search_text import query_words

SNIPPET_CHARS = 280
# the summary's columns in the order of :class:`aggregator.api.schemas.OfferSummary`'s fields
# (``snippet`` is computed), so a summary serializes as the model would (routes.json_answer)
SUMMARY_COLUMNS = (
    "offer_id", "title", "company", "snippet", "url", "source", "city", "postal_code", "region",
    "country", "latitude", "longitude", "remote", "contract_type", "working_time", "salary_min",
    "salary_max", "salary_currency", "salary_period", "salary_year_min", "salary_year_max",
    "posted_at", "listed_at", "status",
)  # fmt: skip


def _bad_position() -> ApiError:
    return ApiError(422, "invalid_cursor", "cursor: bad position; start again")


def _sort_key(sort: Sort) -> ColumnElement[Any]:
    return offers.c.salary_year_max if sort is Sort.SALARY else offers.c.listed_at


def _cursor_value(sort: Sort, value: Any) -> Any:
    if sort is Sort.DATE:
        parsed = _as_datetime(value)
        if parsed is None:
            raise _bad_position()
        return parsed
    if value is None and sort is Sort.SALARY:
        return None
    if not isinstance(value, float):
        raise _bad_position()
    return value


def _as_datetime(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _after(sort: Sort, key: ColumnElement[Any], null_key: bool) -> ColumnElement[bool]:
    """Rows strictly after the cursor (``after_key``, ``after_id``) in (key desc nulls last,
    offer_id desc) order; ``null_key``: the cursor's key is null (salary unknown)."""
    later_id = offers.c.offer_id < bindparam("after_id")
    if null_key:
        return and_(key.is_(None), later_id)
    value = bindparam("after_key", type_=key.type)
    after = or_(key < value, and_(key == value, later_id))
    return or_(after, key.is_(None)) if sort is Sort.SALARY else after


def effective_sort(sort: Sort | None, words: list[str]) -> Sort:
    """Relevance when there are words to rank by, else newest first."""
    if sort is None or (sort is Sort.RELEVANCE and not words):
        return Sort.RELEVANCE if words else Sort.DATE
    return sort


def _summary(row: Any, circle: Circle | None, score: float | None) -> dict[str, Any]:
    record = dict(zip(SUMMARY_COLUMNS, row, strict=False))  # (the row's first columns)
    record["snippet"] = " ".join((record["snippet"] or "").split())
    record["score"] = score
    record["distance_km"] = (
        round(distance, 2)
        if circle and (distance := circle.distance_km(row.latitude, row.longitude)) is not None
        else None
    )
    return record


@cache
def _columns() -> tuple[ColumnElement[Any], ...]:
    """The summary columns (one tuple for the process: statements are kept per shape)."""
    snippet = func.substr(offers.c.description, 1, SNIPPET_CHARS).label("snippet")
    return tuple(snippet if name == "snippet" else offers.c[name] for name in SUMMARY_COLUMNS)


@lru_cache(maxsize=512)
def _keyset_statement(
    sort: Sort,
    where_shape: tuple[str, ...],
    match_shape: tuple[Hashable, ...] | None,
    dialect: str,
    cursor: str | None,
) -> Select[Any]:
    """A page by date or salary, per shape (``cursor``: None, "key" or "null")."""
    key = _sort_key(sort)
    query = select(*_columns(), key.label("sort_key")).select_from(offers)
    if match_shape is not None:
        query = restrict(query, match_shape)
    page_where = list(where_clauses(where_shape, dialect))
    if cursor is not None:
        page_where.append(_after(sort, key, cursor == "null"))
    order = key.desc().nulls_last() if sort is Sort.SALARY else key.desc()
    return (
        query.where(*page_where)
        .order_by(order, offers.c.offer_id.desc())
        .limit(bindparam("page_limit"))
    )


def _keyset_rows(
    conn: Connection, sort: Sort, where: Where, match: TextMatch | None, limit: int,
    cursor: Cursor | None,
) -> list[Any]:  # fmt: skip
    """A page by date or salary (with or without words), read through the sort's index."""
    params: dict[str, Any] = {**where.params, "page_limit": limit + 1}
    if match is not None:
        params.update(match.params)
    kind = None
    if cursor is not None:
        value = _cursor_value(sort, cursor.value)
        kind = "null" if value is None else "key"
        params.update(after_key=value, after_id=cursor.offer_id)
    statement = _keyset_statement(
        sort, where.shape, match.shape if match else None, conn.dialect.name, kind
    )
    return list(conn.execute(statement, params))


def _total(
    conn: Connection, filters: SearchFilters, where: Where, match: TextMatch | None
) -> Total:
    if filters == SearchFilters(status=filters.status):
        return offer_total(conn, filters.status), "eq"
    return count_matches(conn, where, match)


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
    cursor = decode_cursor(cursor_token, digest) if cursor_token else None
    where = where_of(filters, conn.dialect.name)
    circle = where.circle
    match = None
    if words:
        match, where = text_match(conn, words, where)
    total = cursor.total if cursor is not None else None
    edge: int | str | None = None
    if sort is Sort.RELEVANCE and match is not None:
        after = _cursor_value(sort, cursor.value) if cursor is not None else None
        # PostgreSQL sorts every match inside a radius (the GiST box is a bitmap scan), so the
        # first page counts them in the same pass instead of reading them all again
        count_all = cursor is None and circle is not None and conn.dialect.name == "postgresql"
        page = ranked_page(
            conn, match, where, _columns(), limit, cursor, after, count_all=count_all
        )
        rows, edge = page.rows, page.edge
        scores = {r.offer_id: float(r.score) for r in rows}
        keys: list[Any] = [float(r.score) for r in rows]
        if cursor is None and page.window < RANK_WINDOW:
            total = (page.window, "eq")  # the window holds every match
        elif page.matches is not None:
            total = (COUNT_CAP, "gte") if page.matches > COUNT_CAP else (page.matches, "eq")
        elif cursor is None and filters.posted_since is None:
            # (a date filter follows recency: the window's pass rate would overstate the total)
            total = window_total(conn, match, where, page.window, edge)
    else:
        rows = _keyset_rows(conn, sort, where, match, limit, cursor)
        scores, keys = {}, [r.sort_key for r in rows]
    next_cursor = None
    if len(rows) > limit:
        rows, last_key = rows[:limit], keys[limit - 1]
        total = total or _total(conn, filters, where, match)
        last = iso(last_key) if isinstance(last_key, datetime) else last_key
        position = Cursor(value=last, offer_id=rows[-1].offer_id, total=total, window=edge)
        next_cursor = encode_cursor(position, digest)
    value, relation = total or _total(conn, filters, where, match)
    return {
        "total": {"value": value, "relation": relation},
        "items": [_summary(row, circle, scores.get(row.offer_id)) for row in rows],
        "next_cursor": next_cursor,
        "sort": sort.value,
    }
