"""Full-text matching and ranking per backend, built from words, never from the user's syntax.

Both backends receive only words made by :func:`aggregator.store.search_text.query_words`
(letters and digits), each bound as a parameter. A query matches offers holding every word in
one of its forms (the word itself or its French, English or German stem); the score is higher
for better matches on both backends:

- SQLite: FTS5 ``MATCH`` over ``offers_search`` (stemmed in Python); FTS5 walks matches newest
  stored first (rowid order). Words are matched in the title and body columns only; a radius
  search also requires one of the grid cells covering its circle in the ``search_place``
  column, see :mod:`aggregator.api.geocells`. The score (:func:`title_score`) is read from the
  offer's stemmed title, not from FTS5's ``bm25``: ``bm25`` first reads the whole doclist of
  every query term to weigh it (a common word's 90,000 entries on every query), and with
  ``detail=column`` it re-tokenizes each scored offer's title and body to count occurrences,
  about 9 µs an offer; together they were most of a keyword search's cost;
- PostgreSQL: ``search_vector @@ tsquery`` (GIN), scored by ``ts_rank`` with weights
  title A, company/city/region B, description D. The tsquery is built by the server from bound
  words in a first tiny statement and bound as a constant in the search itself, so the planner
  sees the lexemes and estimates how common they are (GIN bitmap for rare words, a walk of the
  ``listed_at`` index for common ones). The search keeps every configuration's form, repeats
  included: the planner counts each repeat, and that overestimate is what makes it walk the
  ``listed_at`` index for two correlated words ("développeur python") rather than sort every
  match. Facets, which read any sample of matches in no order, ask for each distinct form
  once (:func:`distinct_forms`): the true estimate picks the GIN bitmap, where the repeated
  one picks a sequential scan that tests every row.
"""

from __future__ import annotations

import math
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
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import TSQUERY

from aggregator.api.cache import TtlCache
from aggregator.api.filters import Where
from aggregator.api.geocells import Covering, covering
from aggregator.api.tables import offers, offers_search
from aggregator.store.search_text import (
    STEMMED_LANGUAGES,
    expansions,
    filter_tag,
    salary_tag,
    salary_tag_is_exact,
)

SelectT = TypeVar("SelectT", bound=Select[Any])
_PG_CONFIGS = ("simple", *STEMMED_LANGUAGES.values())
TITLE_WEIGHT = 10.0
# a title hit weighs TITLE_WEIGHT * (1 + K) / (words in the title + K): the full weight for a
# one-word title, half of it at 7 words ("Développeur" before "Développeur full stack ...")
TITLE_LENGTH_K = 3.0


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
    (the order FTS5 yields without sorting), ``listed_at`` on PostgreSQL.
    """

    source: FromClause
    condition: ColumnElement[bool]
    score: ColumnElement[float]
    recency: ColumnElement[Any]


def _any_of(tokens: list[str]) -> str:
    return "(" + " OR ".join(f'"{token}"' for token in tokens) + ")"


def fts5_expression(
    words: list[str], cells: list[str] | None = None, tags: list[list[str]] | None = None
) -> str:
    """The FTS5 query: every word (each an OR of its quoted forms) in the title or body, one
    of ``cells`` in the place column when given, and one tag of each group of ``tags`` (one
    group per filter) in the tags column."""
    groups = " AND ".join(_any_of(expansions(word)) for word in words)
    expression = "{search_title search_body} : (" + groups + ")"
    if cells:
        expression += " AND search_place : " + _any_of(cells)
    for group in tags or ():
        expression += " AND search_tags : " + _any_of(group)
    return expression


# filters FTS5 tests as tags of ``offers_search.search_tags`` (migration 0009)
_FOLDED = ("contract_type", "working_time", "remote")


@dataclass(frozen=True, slots=True)
class Folded:
    """What FTS5 tests of a request's filters (tags, the circle's cells) and what SQL keeps."""

    tags: list[list[str]]
    cover: Covering | None
    rest: Where


def fold_filters(where: Where) -> Folded:
    """SQLite: the filters of ``where`` that FTS5 can test (one group of alternative tags per
    filter, the cells covering the circle), and the conditions left for SQL.

    Tags and cells are indexed for open offers only, so they are used when the search is of
    open offers, and then the status condition goes too (a match on either is an open offer).
    A minimum salary between two tag thresholds keeps its SQL condition, which refines the
    lower threshold's tag; the circle always keeps its exact distance condition.
    """
    if where.params.get("f_status") != "open":
        return Folded([], None, where)
    groups: list[list[str]] = []
    kept: list[str] = []
    for name in where.shape:
        if name in _FOLDED:
            value = where.params[f"f_{name}"]
            values = [value] if isinstance(value, str) else value
            groups.append([filter_tag(name, v) for v in values])
        elif name == "salary_min":
            minimum = where.params["f_salary_min"]
            tag = salary_tag(minimum)
            if tag is not None:
                groups.append([tag])
            if not salary_tag_is_exact(minimum):
                kept.append(name)
        else:
            kept.append(name)
    circle = where.circle
    cover = covering(circle.latitude, circle.longitude, circle.radius_km) if circle else None
    if groups or cover is not None:
        kept.remove("status")
    return Folded(groups, cover, Where(tuple(kept), where.params, circle))


def title_score(forms_per_word: tuple[int, ...]) -> ColumnElement[float]:
    """Relevance on SQLite: per query word, the title weight when the offer's stemmed title
    holds one of its forms (bound as ``tw<word>_<form>``, space-padded), less for a longer
    title, else 1 (the word is in the body).

    Every matching offer holds every word in its title or body, so this orders title matches
    first, short titles before long ones; ties are broken by the caller.
    """
    padded = " " + offers.c.search_title + " "
    length = func.length(offers.c.search_title)
    title_words = length - func.length(func.replace(offers.c.search_title, " ", "")) + 1.0
    weight = TITLE_WEIGHT * (1.0 + TITLE_LENGTH_K) / (title_words + TITLE_LENGTH_K)
    terms: list[ColumnElement[float]] = []
    for index, forms in enumerate(forms_per_word):
        hits = [func.instr(padded, bindparam(f"tw{index}_{n}")) > 0 for n in range(forms)]
        terms.append(case((or_(*hits), weight), else_=1.0))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _sqlite(words: list[str], where: Where) -> tuple[TextMatch, Where]:
    folded = fold_filters(where)
    cells = list(folded.cover.cells) if folded.cover else None
    params: dict[str, Any] = {"fts_query": fts5_expression(words, cells, folded.tags)}
    if folded.cover is not None:  # for counting: the inner cells need no distance test
        inner, edge = folded.cover.inner, folded.cover.edge
        params["fts_inner"] = fts5_expression(words, list(inner), folded.tags) if inner else None
        params["fts_edge"] = fts5_expression(words, list(edge), folded.tags) if edge else None
    forms_per_word = []
    for index, word in enumerate(words):
        forms = expansions(word)
        forms_per_word.append(len(forms))
        params.update({f"tw{index}_{n}": f" {form} " for n, form in enumerate(forms)})
    return TextMatch(("sqlite", tuple(forms_per_word)), params), folded.rest


def _word_forms(words: int) -> list[list[ColumnElement[Any]]]:
    """Per word, its ``plainto_tsquery`` in every configuration (the word bound once as
    ``w<index>``)."""
    out: list[list[ColumnElement[Any]]] = []
    for index in range(words):
        param = bindparam(f"w{index}", type_=Text)
        out.append([func.plainto_tsquery(literal_column(f"'{cfg}'"), param) for cfg in _PG_CONFIGS])
    return out


def tsquery(words: int) -> ColumnElement[Any]:
    """A tsquery: AND over words of (OR over configurations of ``plainto_tsquery``)."""
    groups: list[ColumnElement[Any]] = []
    for forms in _word_forms(words):
        group: ColumnElement[Any] = forms[0]
        for form in forms[1:]:
            group = group.op("||")(form)
        groups.append(group.self_group())
    combined: ColumnElement[Any] = groups[0]
    for group in groups[1:]:
        combined = combined.op("&&")(group)
    return combined


@lru_cache(maxsize=16)
def _tsquery_text(words: int) -> Select[Any]:
    return select(cast(tsquery(words), Text))


@lru_cache(maxsize=16)
def _forms_texts(words: int) -> Select[Any]:
    return select(*(cast(f, Text) for fs in _word_forms(words) for f in fs))


def _bound_words(words: list[str]) -> dict[str, str]:
    return {f"w{index}": word for index, word in enumerate(words)}


def distinct_forms(conn: Connection, words: list[str]) -> str:
    """The tsquery text of :func:`tsquery` with each word's distinct forms once (same matches).

    A word that is a stop word in a configuration has no form there; one with no form at all
    is left out, as ``plainto_tsquery`` leaves it out of :func:`tsquery`.
    """
    texts = list(conn.execute(_forms_texts(len(words)), _bound_words(words)).one())
    groups = []
    for start in range(0, len(texts), len(_PG_CONFIGS)):
        distinct = [t for t in dict.fromkeys(texts[start : start + len(_PG_CONFIGS)]) if t]
        if distinct:
            groups.append(" | ".join(f"( {form} )" for form in distinct))
    return " & ".join(f"( {group} )" for group in groups)


def search_tsquery(conn: Connection, words: list[str]) -> str:
    """The text of :func:`tsquery` for ``words``, built by the server (its stemmers and stop
    words), with every configuration's form, repeats included."""
    text: str = conn.execute(_tsquery_text(len(words)), _bound_words(words)).scalar_one()
    return text


# the server's tsquery text per (words, sampled): its dictionaries do not change while the API
# runs, and popular words come back all day (a round trip saved per search)
_PG_QUERIES = TtlCache(math.inf, size=4096)


def _postgres(conn: Connection, words: list[str], sampled: bool) -> TextMatch:
    built = _PG_QUERIES.get_or_compute(
        (tuple(words), sampled),
        lambda: distinct_forms(conn, words) if sampled else search_tsquery(conn, words),
        "dictionaries",
    )
    return TextMatch(("postgresql",), {"tsq": built})


def fts_condition(param: str = "fts_query") -> ColumnElement[bool]:
    """SQLite: ``offers_search`` matches the FTS5 query bound as ``param``."""
    return literal_column("offers_search").op("MATCH")(bindparam(param, type_=Text))


@lru_cache(maxsize=64)
def match_sql(shape: tuple[Hashable, ...]) -> MatchSql:
    """The SQL of a match shape (built once per shape)."""
    if shape[0] == "sqlite":
        fts_rowid = offers_search.c.rowid
        condition = fts_condition()
        forms_per_word: tuple[int, ...] = shape[1]  # type: ignore[assignment]
        return MatchSql(
            source=offers_search.join(offers, literal_column("offers.rowid") == fts_rowid),
            condition=condition,
            score=title_score(forms_per_word),
            recency=fts_rowid,
        )
    query = cast(bindparam("tsq", type_=Text), TSQUERY)
    vector: ColumnElement[Any] = literal_column("offers.search_vector")
    # ts_rank is a real: as double precision, the cursor's copy compares equal to it
    score: ColumnElement[float] = cast(func.ts_rank(vector, query), Float)
    return MatchSql(
        source=offers, condition=vector.op("@@")(query), score=score, recency=offers.c.listed_at
    )


def text_match(
    conn: Connection, words: list[str], where: Where, *, sampled: bool = False
) -> tuple[TextMatch, Where]:
    """The backend's matching and scoring for ``words`` (at least one) under the filters of
    ``where``, and the conditions left for SQL.

    On SQLite FTS5 also takes the cells of ``where``'s circle (the exact radius filter stays
    in the conditions) and the filters it holds as tags (:func:`fold_tags`); on PostgreSQL
    every condition stays. ``sampled``: the caller reads some matches in no order (facets),
    not a ranked window.
    """
    if conn.dialect.name == "sqlite":
        return _sqlite(words, where)
    return _postgres(conn, words, sampled), where


def restrict(query: SelectT, match_shape: tuple[Hashable, ...]) -> SelectT:
    """``query`` (over ``offers``) limited to the offers a match of ``match_shape`` finds."""
    sql = match_sql(match_shape)
    return query.select_from(sql.source).where(sql.condition)
