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

from aggregator.api.filters import Circle
from aggregator.api.geocells import covering_cells
from aggregator.api.tables import offers, offers_search
from aggregator.store.search_text import STEMMED_LANGUAGES, expansions

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


def fts5_expression(words: list[str], cells: list[str] | None = None) -> str:
    """The FTS5 query: every word (each an OR of its quoted forms) in the title or body, and
    one of ``cells`` in the place column when given."""
    groups = []
    for word in words:
        forms = " OR ".join(f'"{form}"' for form in expansions(word))
        groups.append(f"({forms})")
    expression = "{search_title search_body} : (" + " AND ".join(groups) + ")"
    if cells:
        expression += " AND search_place : (" + " OR ".join(f'"{c}"' for c in cells) + ")"
    return expression


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


def _sqlite(words: list[str], circle: Circle | None) -> TextMatch:
    cells = covering_cells(circle.latitude, circle.longitude, circle.radius_km) if circle else None
    params: dict[str, Any] = {"fts_query": fts5_expression(words, cells)}
    forms_per_word = []
    for index, word in enumerate(words):
        forms = expansions(word)
        forms_per_word.append(len(forms))
        params.update({f"tw{index}_{n}": f" {form} " for n, form in enumerate(forms)})
    return TextMatch(("sqlite", tuple(forms_per_word)), params)


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


def _postgres(conn: Connection, words: list[str], sampled: bool) -> TextMatch:
    built = distinct_forms(conn, words) if sampled else search_tsquery(conn, words)
    return TextMatch(("postgresql",), {"tsq": built})


@lru_cache(maxsize=64)
def match_sql(shape: tuple[Hashable, ...]) -> MatchSql:
    """The SQL of a match shape (built once per shape)."""
    if shape[0] == "sqlite":
        fts_rowid = offers_search.c.rowid
        condition = literal_column("offers_search").op("MATCH")(bindparam("fts_query", type_=Text))
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
    conn: Connection, words: list[str], circle: Circle | None = None, *, sampled: bool = False
) -> TextMatch:
    """The backend's matching and scoring for ``words`` (at least one), within ``circle``'s
    cells on SQLite (the exact radius filter stays in the caller's conditions).

    ``sampled``: the caller reads some matches in no order (facets), not a ranked window.
    """
    if conn.dialect.name == "sqlite":
        return _sqlite(words, circle)
    return _postgres(conn, words, sampled)


def restrict(query: SelectT, match_shape: tuple[Hashable, ...]) -> SelectT:
    """``query`` (over ``offers``) limited to the offers a match of ``match_shape`` finds."""
    sql = match_sql(match_shape)
    return query.select_from(sql.source).where(sql.condition)
