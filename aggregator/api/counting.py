"""How many offers match: exact up to a cap, and estimated before paying for an exact count.

A national table is not counted match by match on every request: ``GET /offers`` counts on its
first page only (the cursor carries the total), an exact count stops at :data:`COUNT_CAP`, and a
relevance search whose window was full first estimates the matches without visiting them;
when the estimate is well above the cap (:data:`SURELY_ABOVE`), the answer is "at least COUNT_CAP"
without counting.
"""

from __future__ import annotations

import math

from sqlalchemy import ColumnElement, Connection, func, literal, select

from aggregator.api.fulltext import TextMatch, restrict
from aggregator.api.tables import offers, offers_search

COUNT_CAP = 10_000
# how far above the cap an estimate must be to be trusted: SQLite's is sampled from the window;
# PostgreSQL's planner was seen overestimating a common word's matches by 2.7 times
SURELY_ABOVE = {"sqlite": 1.5, "postgresql": 3.0}
Total = tuple[int, str]


def count_matches(
    conn: Connection, where: list[ColumnElement[bool]], match: TextMatch | None
) -> Total:
    """Exact count up to :data:`COUNT_CAP`, else ``COUNT_CAP`` marked as a lower bound."""
    inner = select(literal(1)).select_from(offers)
    if match is not None:
        inner = restrict(inner, match)
    capped = inner.where(*where).limit(COUNT_CAP + 1).subquery()
    found = conn.execute(select(func.count()).select_from(capped)).scalar_one()
    return (COUNT_CAP, "gte") if found > COUNT_CAP else (found, "eq")


def estimated_matches(
    conn: Connection,
    match: TextMatch,
    where: list[ColumnElement[bool]],
    window: int,
    edge: int | str | None,
    enough: float | None = None,
) -> float:
    """How many offers match, estimated without visiting them.

    SQLite: the window's pass rate (``window`` offers passed the filters among the FTS matches
    at or above its edge) applied to every FTS match; both counts read only FTS5's doclists,
    and the count of every match stops as soon as the estimate reaches ``enough`` (a common
    word's doclist is not read to its end to learn that it is common).
    PostgreSQL: the planner's row estimate (the tsquery is a constant it can look up).
    """
    if isinstance(edge, int):
        fts = select(literal(1)).select_from(offers_search).where(match.condition)
        recent = conn.execute(
            select(func.count()).select_from(fts.where(offers_search.c.rowid >= edge).subquery())
        ).scalar_one()
        rate = window / max(recent, 1)
        if enough is not None:
            fts = fts.limit(math.ceil(enough / rate) + 1)
        every = conn.execute(select(func.count()).select_from(fts.subquery())).scalar_one()
        return float(every * rate)
    if conn.dialect.name != "postgresql":
        return 0.0
    statement = select(literal(1)).select_from(match.source).where(match.condition, *where)
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def window_total(
    conn: Connection,
    match: TextMatch,
    where: list[ColumnElement[bool]],
    window: int,
    edge: int | str | None,
) -> Total | None:
    """ "At least COUNT_CAP" when a full window's estimate is far above it, else None (count)."""
    threshold = SURELY_ABOVE.get(conn.dialect.name, 3.0) * COUNT_CAP
    if estimated_matches(conn, match, where, window, edge, enough=threshold) >= threshold:
        return COUNT_CAP, "gte"
    return None
