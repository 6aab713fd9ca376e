"""Relevance in bounded work: rank the most recent matches, not every match of a common word.

The :data:`RANK_WINDOW` most recent matching offers (FTS5 rowid order on SQLite, which FTS5
yields without sorting; ``listed_at`` on PostgreSQL, walked down its index) are scored, sorted
and paged in one statement; the database returns only the page, the window's size and its
oldest edge. Fewer matches than the window are all ranked (rare words, narrow filters) and
counted by the same read. Later pages rank the matches at or above the first page's edge
(carried by the cursor), so every page ranks the same set; relevance pages stop after the
window (about RANK_WINDOW offers), as in search engines: sort by date to walk everything.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    String,
    and_,
    bindparam,
    func,
    null,
    or_,
    select,
)

from aggregator.api.cursor import Cursor
from aggregator.api.errors import ApiError
from aggregator.api.filters import Where, where_clauses
from aggregator.api.fulltext import MatchSql, TextMatch, match_sql
from aggregator.api.recent import (
    RECENT_SPANS,
    newest_day,
    recent_days,
    recent_offers,
    tag_filters,
)
from aggregator.api.tables import offers
from aggregator.export import iso

RANK_WINDOW = 500


@dataclass(frozen=True, slots=True)
class RankedPage:
    """Up to limit + 1 rows (with ``score``), and the window they were ranked in."""

    rows: list[Any]
    window: int
    edge: int | str | None
    matches: int | None = None


def _edge_params(edge: int | str) -> dict[str, Any]:
    """The window's oldest edge as parameters: FTS5's rowid, or ``listed_at|offer_id``."""
    if isinstance(edge, int):
        return {"edge": edge}
    listed, _, offer_id = edge.partition("|")
    try:
        at: datetime | None = datetime.fromisoformat(listed)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or not offer_id:
        raise ApiError(422, "invalid_cursor", "cursor: bad window; start again")
    return {"edge_at": at, "edge_id": offer_id}


def _edge_condition(match: MatchSql, by_rowid: bool) -> ColumnElement[bool]:
    """Matches at or above the window's oldest edge (ties on ``listed_at`` broken by id)."""
    if by_rowid:
        return match.recency >= bindparam("edge")
    at = bindparam("edge_at", type_=offers.c.listed_at.type)
    return or_(
        match.recency > at,
        and_(match.recency == at, offers.c.offer_id >= bindparam("edge_id")),
    )


@lru_cache(maxsize=512)
def _ranked_statement(
    where_shape: tuple[str, ...],
    match_shape: tuple[Hashable, ...],
    dialect: str,
    columns: tuple[ColumnElement[Any], ...],
    edge: str | None,
    after: bool,
    count_all: bool,
    recent: bool = False,
) -> Select[Any]:
    """The one statement of a relevance page, per shape (``edge``: None, "rowid" or "listed";
    ``recent``: among the offers listed on the days bound as ``r_days``, every filter but the
    status a tag, :func:`aggregator.api.recent.recent_offers`)."""
    match = match_sql(match_shape)
    counted = [func.count().over().label("matches")] if count_all else []
    offer_id: ColumnElement[Any]
    recency: ColumnElement[Any]
    if recent and match.ranked_query is not None:
        found = recent_offers(match.ranked_query, tuple(n for n in where_shape if n != "status"))
        offer_id, recency = found.c.offer_id, found.c.listed_at
        query = select(
            offer_id.label("wid"), found.c.ctid.label("rank_input"), recency.label("recency")
        ).select_from(found)
    else:
        offer_id, recency = offers.c.offer_id, match.recency
        query = (
            select(
                offer_id.label("wid"),
                match.rank_input.label("rank_input"),
                recency.label("recency"),
                *counted,
            )
            .select_from(match.source)
            .where(match.condition, *where_clauses(where_shape, dialect))
        )
    if edge is not None:
        query = query.where(_edge_condition(match, edge == "rowid"))
    order = [recency.desc()]
    if dialect != "sqlite":
        order.append(offer_id.desc())
    window = query.order_by(*order).limit(bindparam("cap")).cte("ranked_window")
    edge_at: ColumnElement[Any]
    edge_id: ColumnElement[Any]
    if dialect == "sqlite":
        # the edge is FTS5's rowid, unique: its minimum, without sorting the window for it
        # (twice) or reading the offer id beside it (about 0.15 ms a page)
        edge_at = select(func.min(window.c.recency)).scalar_subquery()
        edge_id = null()
    else:
        oldest = select(window).order_by(window.c.recency, window.c.wid).limit(1).subquery("oldest")
        edge_at = select(oldest.c.recency).scalar_subquery()
        edge_id = select(oldest.c.wid).scalar_subquery()
    rows, score = match.window_scores(window)
    scored = (
        select(window.c.wid, score.label("score"), *([window.c.matches] if count_all else []))
        .select_from(rows)
        .subquery("scored")
    )
    page = select(
        scored.c.wid,
        scored.c.score,
        *([scored.c.matches] if count_all else []),
        select(func.count()).select_from(window).scalar_subquery().label("window_size"),
        edge_at.label("edge_at"),
        edge_id.label("edge_id"),
    )
    if after:
        score = bindparam("after_score", type_=Float)
        offer_id = bindparam("after_id", type_=String)
        page = page.where(
            or_(scored.c.score < score, and_(scored.c.score == score, scored.c.wid < offer_id))
        )
    top = (
        page.order_by(scored.c.score.desc(), scored.c.wid.desc())
        .limit(bindparam("page_limit"))
        .subquery()
    )
    return (
        select(
            *columns,
            top.c.score,
            top.c.window_size,
            top.c.edge_at,
            top.c.edge_id,
            *([top.c.matches] if count_all else []),
        )
        .select_from(top.join(offers, offers.c.offer_id == top.c.wid))
        .order_by(top.c.score.desc(), top.c.wid.desc())
    )


def _recent_window(
    conn: Connection, shape: tuple[Any, ...], params: dict[str, Any], where: Where
) -> list[Any] | None:
    """PostgreSQL's first page from the last days' matches when they fill the window (it is
    then the whole store's window, :mod:`aggregator.api.recent`), else None."""
    tags = tag_filters(where)
    if tags is None:
        return None
    newest = newest_day(conn, where)
    if newest is None:
        return None
    statement = _ranked_statement(*shape, recent=True)
    tagged = {**params, **{f"r_{name}": values for name, values in tags.items()}}
    for span in RECENT_SPANS:
        rows = list(conn.execute(statement, {**tagged, "r_days": recent_days(newest, span)}))
        if rows and rows[0].window_size >= RANK_WINDOW:
            return rows
    return None


def ranked_page(
    conn: Connection,
    match: TextMatch,
    where: Where,
    columns: tuple[ColumnElement[Any], ...],
    limit: int,
    cursor: Cursor | None,
    after_score: float | None,
    *,
    count_all: bool = False,
) -> RankedPage:
    """One page by relevance (score desc, offer_id desc) within the window.

    ``columns`` must be the same tuple from page to page (statements are kept per shape).
    ``count_all``: also count every match in the same statement (``matches``), for plans that
    read every match anyway to sort them (a bitmap scan), where a separate count would read
    them all a second time.
    """
    params: dict[str, Any] = {
        **where.params,
        **match.params,
        "cap": RANK_WINDOW if cursor is None else 2 * RANK_WINDOW,
        "page_limit": limit + 1,
    }
    edge_kind = None
    if cursor is not None and cursor.window is not None:
        edge_params = _edge_params(cursor.window)
        params.update(edge_params)
        edge_kind = "rowid" if "edge" in edge_params else "listed"
    after = cursor is not None and after_score is not None
    if after:
        assert cursor is not None
        params.update(after_score=after_score, after_id=cursor.offer_id)
    shape = (where.shape, match.shape, conn.dialect.name, columns, edge_kind, after, count_all)
    rows = None
    if cursor is None and not count_all and conn.dialect.name == "postgresql":
        rows = _recent_window(conn, shape, params, where)
    if rows is None:
        rows = list(conn.execute(_ranked_statement(*shape), params))
    if not rows:
        return RankedPage(rows=[], window=0, edge=cursor.window if cursor else None)
    first = rows[0]
    edge: int | str | None = cursor.window if cursor is not None else None
    if cursor is None and first.window_size >= RANK_WINDOW:
        at = first.edge_at
        edge = at if isinstance(at, int) else f"{iso(at)}|{first.edge_id}"
    matches = int(first.matches) if count_all else None
    return RankedPage(rows=rows, window=int(first.window_size), edge=edge, matches=matches)
