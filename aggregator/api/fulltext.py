"""Full-text matching and ranking per backend, built from words, never from the user's syntax.

Both backends receive only words made by :func:`aggregator.store.search_text.query_words`
(letters and digits), each bound as a parameter. A query matches offers holding every word in
one of its forms (the word itself or its French, English or German stem); the score is higher
for better matches on both backends:

- SQLite: FTS5 ``MATCH`` over ``offers_search`` (stemmed in Python), which also tests the
  circle's cells and the filters it holds as tags, scored from the stemmed title
  (:mod:`aggregator.api.fts5`); FTS5 walks matches newest stored first (rowid order);
- PostgreSQL: ``search_vector @@ tsquery`` (GIN), scored by ``ts_rank`` with weights title A,
  company/city/region B, description D; the tsquery is built by the server
  (:mod:`aggregator.api.tsquery`).

A request's match is a shape and the values it binds (:class:`TextMatch`); the SQL of a shape is
built once (:func:`match_sql`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    FromClause,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
)
from sqlalchemy.dialects.postgresql import TSQUERY

from aggregator.api.filters import Where, with_cells
from aggregator.api.fts5 import fts5_match, fts_condition, title_score
from aggregator.api.tables import offers, offers_search
from aggregator.api.tsquery import tsquery_text

SelectT = TypeVar("SelectT", bound=Select[Any])


@dataclass(frozen=True, slots=True)
class TextMatch:
    """A request's full-text match: its shape (which SQL it needs) and the values it binds.

    The SQL is :func:`match_sql` of the shape, built once per shape; ``params`` go with every
    statement that uses it.
    """

    shape: tuple[Hashable, ...]
    params: dict[str, Any] = field(compare=False)


@dataclass(frozen=True, slots=True)
class MatchSql:
    """How to restrict offers to matching ones, score them, and walk them newest first.

    ``recency`` is the column matches are windowed on (descending): FTS5's rowid on SQLite
    (the order FTS5 yields without sorting), ``listed_at`` on PostgreSQL. A ranked window
    carries ``rank_input`` and :meth:`window_scores` scores its rows once they are chosen
    (``ranked_query``: the tsquery PostgreSQL ranks by).
    """

    source: FromClause
    condition: ColumnElement[bool]
    score: ColumnElement[float]
    recency: ColumnElement[Any]
    rank_input: ColumnElement[Any]
    ranked_query: ColumnElement[Any] | None = None

    def window_scores(self, window: FromClause) -> tuple[FromClause, ColumnElement[float]]:
        """The rows of a chosen ``window`` (which carries ``rank_input``) and their score.

        SQLite carries the score itself. PostgreSQL carries the row's ``ctid`` and ranks only
        the window's rows, each fetched again by its ``ctid`` (stable within the statement):
        ``ts_rank`` on every match a bitmap scan sorts, or its vector carried through the sort
        and the count, cost about a millisecond per thousand matches (keyword + radius).
        """
        if self.ranked_query is None:
            return window, window.c.rank_input
        again = offers.alias("scored_offers")
        joined = window.join(again, literal_column("scored_offers.ctid") == window.c.rank_input)
        vector: ColumnElement[Any] = literal_column("scored_offers.search_vector")
        return joined, _ts_rank(vector, self.ranked_query)


def _ts_rank(vector: ColumnElement[Any], query: ColumnElement[Any]) -> ColumnElement[float]:
    # ts_rank is a real: as double precision, the cursor's copy compares equal to it
    return cast(func.ts_rank(vector, query), Float)


@lru_cache(maxsize=64)
def match_sql(shape: tuple[Hashable, ...]) -> MatchSql:
    """The SQL of a match shape (built once per shape)."""
    if shape[0] == "sqlite":
        fts_rowid = offers_search.c.rowid
        condition = fts_condition()
        forms_per_word: tuple[int, ...] = shape[1]  # type: ignore[assignment]
        score = title_score(forms_per_word)
        return MatchSql(
            source=offers_search.join(offers, literal_column("offers.rowid") == fts_rowid),
            condition=condition,
            score=score,
            recency=fts_rowid,
            rank_input=score,
        )
    query = cast(bindparam("tsq", type_=Text), TSQUERY)
    vector: ColumnElement[Any] = literal_column("offers.search_vector")
    return MatchSql(
        source=offers,
        condition=vector.op("@@")(query),
        score=_ts_rank(vector, query),
        recency=offers.c.listed_at,
        rank_input=literal_column("offers.ctid"),
        ranked_query=query,
    )


def text_match(
    conn: Connection, words: list[str], where: Where, *, sampled: bool = False
) -> tuple[TextMatch, Where]:
    """The backend's matching and scoring for ``words`` (at least one) under the filters of
    ``where``, and the conditions left for SQL.

    On SQLite FTS5 also takes the cells of ``where``'s circle (the exact radius filter stays
    in the conditions) and the filters it holds as tags (:func:`aggregator.api.fts5.fold_filters`);
    on PostgreSQL every condition stays, the circle tested on the grid cells the GIN index
    holds beside the words (:func:`aggregator.api.filters.with_cells`). ``sampled``: the caller
    reads some matches in no order (facets), not a ranked window.
    """
    if conn.dialect.name == "sqlite":
        forms_per_word, params, rest = fts5_match(words, where)
        return TextMatch(("sqlite", forms_per_word), params), rest
    tsq = tsquery_text(conn, words, sampled)
    return TextMatch(("postgresql",), {"tsq": tsq}), with_cells(where)


def restrict(query: SelectT, match_shape: tuple[Hashable, ...]) -> SelectT:
    """``query`` (over ``offers``) limited to the offers a match of ``match_shape`` finds."""
    sql = match_sql(match_shape)
    return query.select_from(sql.source).where(sql.condition)
