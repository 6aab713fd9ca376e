"""How many offers match: exact up to a cap, and estimated before paying for an exact count.

A national table is not counted match by match on every request: ``GET /offers`` counts on its
first page only (the cursor carries the total), an exact count stops at :data:`COUNT_CAP`, and a
relevance search whose window was full first estimates the matches without visiting them;
when the estimate is well above the cap (:data:`SURELY_ABOVE`), the answer is "at least COUNT_CAP"
without counting.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, literal, literal_column, select

from aggregator.api.filters import Where, where_clauses
from aggregator.api.fts5 import fts_condition
from aggregator.api.fulltext import TextMatch, match_sql, restrict
from aggregator.api.tables import offers, offers_search

COUNT_CAP = 10_000
# how far above the cap an estimate must be to be trusted: SQLite samples FTS5 and the window;
# PostgreSQL's planner was seen overestimating a common word's matches by 2.7 times
SURELY_ABOVE = {"sqlite": 1.5, "postgresql": 3.0}
Total = tuple[int, str]


@lru_cache(maxsize=256)
def _capped_count(
    where_shape: tuple[str, ...],
    match_shape: tuple[Hashable, ...] | None,
    dialect: str,
    fts_param: str = "fts_query",
) -> Select[Any]:
    """Matches counted up to COUNT_CAP + 1, per shape (on SQLite, of the FTS5 query bound as
    ``fts_param``; without SQL conditions FTS5's doclists alone are counted, no offer row)."""
    clauses = where_clauses(where_shape, dialect)
    inner = select(literal(1))
    if match_shape is not None and dialect == "sqlite":
        source = match_sql(match_shape).source if clauses else offers_search
        inner = inner.select_from(source).where(fts_condition(fts_param))
    elif match_shape is not None:
        inner = restrict(inner.select_from(offers), match_shape)
    else:
        inner = inner.select_from(offers)
    capped = inner.where(*clauses).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(capped)


def _capped(found: int) -> Total:
    return (COUNT_CAP, "gte") if found > COUNT_CAP else (found, "eq")


def count_matches(conn: Connection, where: Where, match: TextMatch | None) -> Total:
    """Exact count up to :data:`COUNT_CAP`, else ``COUNT_CAP`` marked as a lower bound.

    A radius search on SQLite counts the matches of the cells wholly inside the circle without
    a distance test, and tests only those of the cells that cross it (:mod:`geocells`).
    """
    dialect = conn.dialect.name
    if match is None:
        return _capped(
            conn.execute(_capped_count(where.shape, None, dialect), where.params).scalar_one()
        )
    params = {**where.params, **match.params}
    if "fts_edge" not in match.params:
        statement = _capped_count(where.shape, match.shape, dialect)
        return _capped(conn.execute(statement, params).scalar_one())
    inside = tuple(name for name in where.shape if name != "circle")
    found = 0
    for fts_param, shape in (("fts_inner", inside), ("fts_edge", where.shape)):
        if match.params[fts_param] is not None and found <= COUNT_CAP:
            statement = _capped_count(shape, match.shape, dialect, fts_param)
            found += conn.execute(statement, params).scalar_one()
    return _capped(found)


# FTS5 matches are counted in SLICES spread rowid ranges of SLICE_SHARE of the store each
SLICES = 8
SLICE_SHARE = 1 / 256
MIN_SLICE = 1_000
_LAST_ROWID: Select[Any] = select(func.max(literal_column("rowid"))).select_from(
    offers
)  # the B-tree's end


@lru_cache(maxsize=64)
def _fts_sample(match_shape: tuple[Hashable, ...]) -> tuple[Select[Any], Select[Any]]:
    """SQLite: FTS matches at or above the window's edge; FTS matches in each sample slice."""
    condition = match_sql(match_shape).condition
    fts = select(literal(1)).select_from(offers_search).where(condition)
    recent = fts.where(offers_search.c.rowid >= bindparam("edge")).subquery()
    slices = [
        select(func.count())
        .select_from(offers_search)
        .where(condition, offers_search.c.rowid.between(bindparam(f"lo{i}"), bindparam(f"hi{i}")))
        .scalar_subquery()
        for i in range(SLICES)
    ]
    return select(func.count()).select_from(recent), select(*slices)


def _sampled_fts_total(conn: Connection, match: TextMatch) -> float | None:
    """SQLite: FTS5's match count estimated from :data:`SLICES` rowid ranges spread over the
    store (the median slice, so a word crowded into one period does not inflate it); None on
    a store too small to sample, which is cheap to count."""
    last = conn.execute(_LAST_ROWID).scalar() or 0
    width = max(int(last * SLICE_SHARE), MIN_SLICE)
    if last < 2 * SLICES * width:
        return None
    step = last // SLICES
    bounds: dict[str, int] = {}
    for i in range(SLICES):
        low = i * step + (step - width) // 2
        bounds.update({f"lo{i}": low, f"hi{i}": low + width - 1})
    counts = conn.execute(_fts_sample(match.shape)[1], {**match.params, **bounds}).one()
    return float(statistics.median(counts)) * last / width


def estimated_matches(
    conn: Connection,
    match: TextMatch,
    where: Where,
    window: int,
    edge: int | str | None,
    enough: float | None = None,
) -> float:
    """How many offers match, estimated without visiting them (0.0: no estimate, count);
    an estimate below ``enough`` may be a bound from above.

    SQLite: the window's pass rate (``window`` offers passed the SQL conditions among the FTS
    matches at or above its edge) applied to FTS5's match count, itself estimated from sample
    slices of the store (:func:`_sampled_fts_total`); every count reads only FTS5's doclists,
    a few thousand entries, where counting a common word's matches reads all of them.
    PostgreSQL: the planner's row estimate (the tsquery is a constant it can look up).
    """
    if isinstance(edge, int):
        total = _sampled_fts_total(conn, match)
        if total is None or (enough is not None and total < enough):
            return total or 0.0  # (the pass rate is at most 1: no need to measure it)
        recent = conn.execute(_fts_sample(match.shape)[0], {**match.params, "edge": edge})
        return total * window / max(recent.scalar_one(), 1)
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
    """ "At least COUNT_CAP" when a full window's estimate is far above it, else None (count).

    A radius search on SQLite whose only SQL condition is the distance is not estimated: its
    count reads the inner cells' matches from FTS5 alone and stops at the cap, so it costs
    no more than the estimate and is exact (:func:`count_matches`).
    """
    if "fts_inner" in match.params and where.shape == ("circle",):
        return None
    threshold = SURELY_ABOVE.get(conn.dialect.name, 3.0) * COUNT_CAP
    if estimated_matches(conn, match, where, window, edge, threshold) >= threshold:
        return COUNT_CAP, "gte"
    return None
