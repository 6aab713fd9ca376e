"""How many offers match: exact up to a cap, and estimated before paying for an exact count.

A national table is not counted match by match on every request: ``GET /offers`` counts on its
first page only (the cursor carries the total), an exact count stops at :data:`COUNT_CAP`, and a
relevance search whose window was full first estimates the matches without visiting them;
when the estimate is well above the cap (:data:`SURELY_ABOVE`), the answer is "at least COUNT_CAP"
without counting.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, literal, select

from aggregator.api.filters import Where, where_clauses
from aggregator.api.fulltext import TextMatch, match_sql, restrict
from aggregator.api.tables import offers, offers_search

COUNT_CAP = 10_000
# how far above the cap an estimate must be to be trusted: SQLite's is sampled from the window;
# PostgreSQL's planner was seen overestimating a common word's matches by 2.7 times
SURELY_ABOVE = {"sqlite": 1.5, "postgresql": 3.0}
Total = tuple[int, str]


@lru_cache(maxsize=256)
def _capped_count(
    where_shape: tuple[str, ...], match_shape: tuple[Hashable, ...] | None, dialect: str
) -> Select[Any]:
    inner = select(literal(1)).select_from(offers)
    if match_shape is not None:
        inner = restrict(inner, match_shape)
    capped = inner.where(*where_clauses(where_shape, dialect)).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(capped)


def count_matches(conn: Connection, where: Where, match: TextMatch | None) -> Total:
    """Exact count up to :data:`COUNT_CAP`, else ``COUNT_CAP`` marked as a lower bound."""
    statement = _capped_count(where.shape, match.shape if match else None, conn.dialect.name)
    params = {**where.params, **(match.params if match else {})}
    found = conn.execute(statement, params).scalar_one()
    return (COUNT_CAP, "gte") if found > COUNT_CAP else (found, "eq")


@lru_cache(maxsize=64)
def _fts_counts(match_shape: tuple[Hashable, ...]) -> tuple[Select[Any], Select[Any]]:
    """SQLite: FTS matches at or above the window's edge, and every FTS match up to a limit."""
    fts = select(literal(1)).select_from(offers_search).where(match_sql(match_shape).condition)
    recent = fts.where(offers_search.c.rowid >= bindparam("edge")).subquery()
    every = fts.limit(bindparam("enough")).subquery()
    return (
        select(func.count()).select_from(recent),
        select(func.count()).select_from(every),
    )


def estimated_matches(
    conn: Connection,
    match: TextMatch,
    where: Where,
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
        recent_sql, every_sql = _fts_counts(match.shape)
        recent = conn.execute(recent_sql, {**match.params, "edge": edge}).scalar_one()
        rate = window / max(recent, 1)
        limit = -1 if enough is None else math.ceil(enough / rate) + 1  # -1: no limit
        every = conn.execute(every_sql, {**match.params, "enough": limit}).scalar_one()
        return float(every * rate)
    if conn.dialect.name != "postgresql":
        return 0.0
    sql = match_sql(match.shape)
    statement = (
        select(literal(1))
        .select_from(sql.source)
        .where(sql.condition, *where_clauses(where.shape, conn.dialect.name))
    )
    bound = statement.params({**where.params, **match.params})
    compiled = bound.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def window_total(
    conn: Connection, match: TextMatch, where: Where, window: int, edge: int | str | None
) -> Total | None:
    """ "At least COUNT_CAP" when a full window's estimate is far above it, else None (count)."""
    threshold = SURELY_ABOVE.get(conn.dialect.name, 3.0) * COUNT_CAP
    if estimated_matches(conn, match, where, window, edge, enough=threshold) >= threshold:
        return COUNT_CAP, "gte"
    return None
