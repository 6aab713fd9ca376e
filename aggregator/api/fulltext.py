"""Full-text matching and ranking per backend, built from words, never from the user's syntax.

Both backends receive only words made by :func:`aggregator.store.search_text.query_words`
(letters and digits), each bound as a parameter. A query matches offers holding every word in
one of its forms (the word itself or its French, English or German stem); the score is higher
for better matches on both backends:

- SQLite: FTS5 ``MATCH`` over ``offers_search`` (stemmed in Python), scored by ``-bm25`` with
  the title weighing ten times the body; FTS5 walks matches newest stored first (rowid order).
  Words are matched in the title and body columns only; a radius search also requires one of the
  grid cells covering its circle in the ``search_place`` column (weight 0: cells never add
  to a score), see :mod:`aggregator.api.geocells`;
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

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class TextMatch:
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


def _sqlite(words: list[str], circle: Circle | None) -> TextMatch:
    fts_rowid = offers_search.c.rowid
    cells = covering_cells(circle.latitude, circle.longitude, circle.radius_km) if circle else None
    condition = literal_column("offers_search").op("MATCH")(
        bindparam("fts_query", fts5_expression(words, cells), type_=Text)
    )
    score = -literal_column(f"bm25(offers_search, {TITLE_WEIGHT}, 1.0, 0.0)", Float)
    source = offers_search.join(offers, literal_column("offers.rowid") == fts_rowid)
    return TextMatch(source=source, condition=condition, score=score, recency=fts_rowid)


def _word_forms(words: list[str]) -> list[list[ColumnElement[Any]]]:
    """Per word, its ``plainto_tsquery`` in every configuration (the word bound once)."""
    out: list[list[ColumnElement[Any]]] = []
    for index, word in enumerate(words):
        param = bindparam(f"w{index}", word, type_=Text)
        out.append([func.plainto_tsquery(literal_column(f"'{cfg}'"), param) for cfg in _PG_CONFIGS])
    return out


def tsquery(words: list[str]) -> ColumnElement[Any]:
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


def distinct_forms(conn: Connection, words: list[str]) -> str:
    """The tsquery text of :func:`tsquery` with each word's distinct forms once (same matches).

    A word that is a stop word in a configuration has no form there; one with no form at all
    is left out, as ``plainto_tsquery`` leaves it out of :func:`tsquery`.
    """
    per_word = _word_forms(words)
    texts = list(conn.execute(select(*(cast(f, Text) for fs in per_word for f in fs))).one())
    groups = []
    for start in range(0, len(texts), len(_PG_CONFIGS)):
        distinct = [t for t in dict.fromkeys(texts[start : start + len(_PG_CONFIGS)]) if t]
        if distinct:
            groups.append(" | ".join(f"( {form} )" for form in distinct))
    return " & ".join(f"( {group} )" for group in groups)


def _postgres(conn: Connection, words: list[str], sampled: bool) -> TextMatch:
    if sampled:
        built = distinct_forms(conn, words)
    else:
        built = conn.execute(select(cast(tsquery(words), Text))).scalar_one()
    query = cast(bindparam("tsq", built, type_=Text), TSQUERY)
    vector: ColumnElement[Any] = literal_column("offers.search_vector")
    condition: ColumnElement[bool] = vector.op("@@")(query)
    # ts_rank is a real: as double precision, the cursor's copy compares equal to it
    score: ColumnElement[float] = cast(func.ts_rank(vector, query), Float)
    return TextMatch(source=offers, condition=condition, score=score, recency=offers.c.listed_at)


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


def restrict(query: SelectT, match: TextMatch) -> SelectT:
    """``query`` (over ``offers``) limited to matching offers."""
    return query.select_from(match.source).where(match.condition)
