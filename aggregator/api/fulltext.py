"""Full-text matching and ranking per backend, built from words, never from the user's syntax.

Both backends receive only words made by :func:`aggregator.store.search_text.query_words`
(letters and digits), each bound as a parameter. A query matches offers holding every word in
one of its forms (the word itself or its French, English or German stem); the score is higher
for better matches on both backends:

- SQLite: FTS5 ``MATCH`` over ``offers_search`` (stemmed in Python), scored by ``-bm25`` with
  the title weighing ten times the body;
- PostgreSQL: ``search_vector @@ tsquery`` (GIN), scored by ``ts_rank`` with weights
  title A, company/city/region B, description D.

"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Float,
    FromClause,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
    true,
)

from aggregator.api.tables import offers
from aggregator.store.search_text import STEMMED_LANGUAGES, expansions

SelectT = TypeVar("SelectT", bound=Select[Any])
_PG_CONFIGS = ("simple", *STEMMED_LANGUAGES.values())
TITLE_WEIGHT = 10.0


@dataclass(frozen=True, slots=True)
class TextMatch:
    """How to restrict offers to those matching the words, and how to score them."""

    source: FromClause
    condition: ColumnElement[bool] | None
    score: ColumnElement[float]


def fts5_expression(words: list[str]) -> str:
    """The FTS5 query: every word, each as an OR of its quoted forms."""
    groups = []
    for word in words:
        forms = " OR ".join(f'"{form}"' for form in expansions(word))
        groups.append(f"({forms})")
    return " AND ".join(groups)


def _sqlite(words: list[str]) -> TextMatch:
    hits = (
        select(
            literal_column("offers_search.rowid").label("rid"),
            (-literal_column(f"bm25(offers_search, {TITLE_WEIGHT}, 1.0)")).label("score"),
        )
        .select_from(text("offers_search"))
        .where(text("offers_search MATCH :fts_query").bindparams(fts_query=fts5_expression(words)))
        .subquery("hits")
    )
    source = offers.join(hits, literal_column("offers.rowid") == hits.c.rid)
    return TextMatch(source=source, condition=None, score=hits.c.score)


def tsquery(words: list[str]) -> ColumnElement[Any]:
    """A tsquery: AND over words of (OR over configurations of ``plainto_tsquery``)."""
    groups: list[ColumnElement[Any]] = []
    for index, word in enumerate(words):
        param = bindparam(f"w{index}", word, type_=Text)
        forms = [func.plainto_tsquery(literal_column(f"'{cfg}'"), param) for cfg in _PG_CONFIGS]
        group: ColumnElement[Any] = forms[0]
        for form in forms[1:]:
            group = group.op("||")(form)
        groups.append(group.self_group())
    combined: ColumnElement[Any] = groups[0]
    for group in groups[1:]:
        combined = combined.op("&&")(group)
    return combined


def _postgres(words: list[str]) -> TextMatch:
    # the tsquery is built once per statement in a one-row subquery, not once per row
    built = select(tsquery(words).label("q")).subquery("tsq")
    vector: ColumnElement[Any] = literal_column("offers.search_vector")
    condition: ColumnElement[bool] = vector.op("@@")(built.c.q)
    # ts_rank is a real: as double precision, the cursor's copy compares equal to it
    score: ColumnElement[float] = cast(func.ts_rank(vector, built.c.q), Float)
    return TextMatch(source=offers.join(built, true()), condition=condition, score=score)


def text_match(dialect: str, words: list[str]) -> TextMatch:
    """The backend's matching and scoring for ``words`` (at least one)."""
    return _sqlite(words) if dialect == "sqlite" else _postgres(words)


def restrict(query: SelectT, match: TextMatch) -> SelectT:
    """``query`` (over ``offers``) limited to matching offers."""
    query = query.select_from(match.source)
    return query.where(match.condition) if match.condition is not None else query
