"""``GET /facets``: counts per value for the same query and filters as ``GET /offers``.

Like France Travail's ``filtresPossibles``: contract type, working time, remote, region, source
(the source the offer's fields come from) and salary band (annualized upper amount, bands from
``data/vocab/search.yaml``).

- Without keywords or filters (the landing page), counts come from the counters the store keeps
  at write time (:mod:`aggregator.api.summary`): exact, a read of a few hundred rows.
- Otherwise the matching offers are read once (one scan, every facet grouped from it) and, like
  the total of ``GET /offers``, counted exactly up to :data:`FACET_SAMPLE` matches. Above it,
  ``relation`` is ``gte`` and every count is taken over :data:`FACET_SAMPLE` of the matches
  (on SQLite the most recently stored ones): each is then a lower bound, and the proportions
  between values hold, which is what a filter panel shows.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    case,
    func,
    literal,
    select,
    union_all,
)

from aggregator.api.filters import where_clauses, where_of
from aggregator.api.fulltext import match_sql, restrict, text_match
from aggregator.api.params import SearchFilters
from aggregator.api.summary import COLUMN_FACETS, bands_are_whole_thousands, salary_bands
from aggregator.api.summary import summary_facets as _summary
from aggregator.api.tables import offers
from aggregator.store.search_text import query_words

FACETS = (*COLUMN_FACETS, "salary_band")
MAX_VALUES = 30
FACET_SAMPLE = 10_000


def _band_expression() -> ColumnElement[Any]:
    column = offers.c.salary_year_max
    whens = [(column >= low, label) for low, label in reversed(salary_bands())]
    return case(*whens, else_=None)


def _ranked(counts: dict[str | None, int]) -> list[dict[str, Any]]:
    """Most frequent first (unknown sorted as ''), at most :data:`MAX_VALUES`."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))
    return [{"value": value, "count": n} for value, n in ordered[:MAX_VALUES] if n > 0]


def _answer(total: int, counts: dict[str, dict[str | None, int]], relation: str) -> dict[str, Any]:
    result: dict[str, Any] = {"total": total, "relation": relation}
    for name in FACETS:
        result[name] = _ranked(counts.get(name, {}))
    return result


def _unfiltered(filters: SearchFilters) -> bool:
    bare = SearchFilters(status=filters.status)
    return filters == bare and bands_are_whole_thousands()


@lru_cache(maxsize=256)
def _sample_statement(
    where_shape: tuple[str, ...], match_shape: tuple[Hashable, ...] | None, dialect: str
) -> CompoundSelect:
    """Per shape: (facet, value, n) rows over at most FACET_SAMPLE matches, and the total."""
    columns = [offers.c[name].label(name) for name in COLUMN_FACETS]
    sample = select(*columns, _band_expression().label("salary_band")).select_from(offers)
    if match_shape is not None:
        sample = restrict(sample, match_shape)
        if dialect == "sqlite":  # FTS5 yields newest first at no cost
            sample = sample.order_by(match_sql(match_shape).recency.desc())
    rows = sample.where(*where_clauses(where_shape, dialect)).limit(FACET_SAMPLE).cte("sample")
    parts = [
        select(literal(name).label("facet"), rows.c[name].label("value"), func.count().label("n"))
        .select_from(rows)
        .group_by(rows.c[name])
        for name in FACETS
    ]
    total_part = select(literal("total"), literal(None), func.count()).select_from(rows)
    return union_all(*parts, total_part)


def _sampled_counts(conn: Connection, filters: SearchFilters) -> dict[str, Any]:
    """One read of (at most FACET_SAMPLE) matching offers, grouped per facet in the database."""
    words = query_words(filters.q) if filters.q else []
    where = where_of(filters, conn.dialect.name)
    match = None
    if words:
        match, where = text_match(conn, words, where, sampled=True)
    statement = _sample_statement(where.shape, match.shape if match else None, conn.dialect.name)
    params = {**where.params, **(match.params if match else {})}
    counts: dict[str, dict[str | None, int]] = {name: {} for name in FACETS}
    total = 0
    for facet, value, n in conn.execute(statement, params):
        if facet == "total":
            total = int(n)
        else:
            counts[facet][value] = int(n)
    return _answer(total, counts, "gte" if total >= FACET_SAMPLE else "eq")


def compute_facets(conn: Connection, filters: SearchFilters) -> dict[str, Any]:
    """Every facet's counts (see :class:`aggregator.api.schemas.Facets`)."""
    if _unfiltered(filters):
        found = _summary(conn, filters.status)
        total = found.pop("total")
        return _answer(total, found, "eq")
    return _sampled_counts(conn, filters)
