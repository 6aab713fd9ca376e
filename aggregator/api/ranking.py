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

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from aggregator.api.cursor import Cursor
from aggregator.api.errors import ApiError
from aggregator.api.fulltext import TextMatch
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


def _edge_condition(match: TextMatch, edge: int | str) -> ColumnElement[bool]:
    """Matches at or above the window's oldest edge (ties on ``listed_at`` broken by id)."""
    if isinstance(edge, int):
        return match.recency >= edge
    listed, _, offer_id = edge.partition("|")
    try:
        at: datetime | None = datetime.fromisoformat(listed)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or not offer_id:
        raise ApiError(422, "invalid_cursor", "cursor: bad window; start again")
    return or_(match.recency > at, and_(match.recency == at, offers.c.offer_id >= offer_id))


def ranked_page(
    conn: Connection,
    match: TextMatch,
    where: list[ColumnElement[bool]],
    columns: list[ColumnElement[Any]],
    limit: int,
    cursor: Cursor | None,
    after_score: float | None,
    *,
    count_all: bool = False,
) -> RankedPage:
    """One page by relevance (score desc, offer_id desc) within the window.

    ``count_all``: also count every match in the same statement (``matches``), for plans that
    read every match anyway to sort them (a bitmap scan), where a separate count would read
    them all a second time.
    """
    counted = [func.count().over().label("matches")] if count_all else []
    query = (
        select(
            offers.c.offer_id.label("wid"),
            match.score.label("score"),
            match.recency.label("recency"),
            *counted,
        )
        .select_from(match.source)
        .where(match.condition, *where)
    )
    if cursor is not None and cursor.window is not None:
        query = query.where(_edge_condition(match, cursor.window))
    order = [match.recency.desc()]
    if conn.dialect.name != "sqlite":
        order.append(offers.c.offer_id.desc())
    cap = RANK_WINDOW if cursor is None else 2 * RANK_WINDOW
    window = query.order_by(*order).limit(cap).cte("ranked_window")
    oldest = select(window).order_by(window.c.recency, window.c.wid).limit(1).subquery("oldest")
    page = select(
        window.c.wid,
        window.c.score,
        *([window.c.matches] if count_all else []),
        select(func.count()).select_from(window).scalar_subquery().label("window_size"),
        select(oldest.c.recency).scalar_subquery().label("edge_at"),
        select(oldest.c.wid).scalar_subquery().label("edge_id"),
    )
    if cursor is not None and after_score is not None:
        page = page.where(
            or_(
                window.c.score < after_score,
                and_(window.c.score == after_score, window.c.wid < cursor.offer_id),
            )
        )
    top = page.order_by(window.c.score.desc(), window.c.wid.desc()).limit(limit + 1).subquery()
    final = (
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
    rows = list(conn.execute(final))
    if not rows:
        return RankedPage(rows=[], window=0, edge=cursor.window if cursor else None)
    first = rows[0]
    edge: int | str | None = cursor.window if cursor is not None else None
    if cursor is None and first.window_size >= RANK_WINDOW:
        at = first.edge_at
        edge = at if isinstance(at, int) else f"{iso(at)}|{first.edge_id}"
    matches = int(first.matches) if count_all else None
    return RankedPage(rows=rows, window=int(first.window_size), edge=edge, matches=matches)
