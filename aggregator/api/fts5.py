"""SQLite's full-text query: words, the circle's cells and the filters as FTS5 tags, and the score.

FTS5 receives only words made by :func:`aggregator.store.search_text.query_words` (letters and
digits), quoted, and tokens the application names itself (cells, tags). Words are matched in the
title and body columns only; a radius search also requires one of the grid cells covering its
circle in the ``search_place`` column (:mod:`aggregator.api.geocells`), and the filters FTS5 can
test are required as tags of ``search_tags`` (migration 0009, :func:`fold_filters`).

The score (:func:`title_score`) is read from the offer's stemmed title, not from FTS5's
``bm25``: ``bm25`` first reads the whole doclist of every query term to weigh it (a common
word's 90,000 entries on every query), and with ``detail=column`` it re-tokenizes each scored
offer's title and body to count occurrences, about 9 µs an offer; together they were most of a
keyword search's cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, bindparam, case, func, literal_column, or_

from aggregator.api.filters import Where
from aggregator.api.geocells import Covering, covering
from aggregator.api.tables import offers
from aggregator.store.search_text import (
    expansions,
    filter_tag,
    salary_tag,
    salary_tag_is_exact,
)

TITLE_WEIGHT = 10.0
# a title hit weighs TITLE_WEIGHT * (1 + K) / (words in the title + K): the full weight for a
# one-word title, half of it at 5 words ("Développeur" before "Développeur full stack ...")
TITLE_LENGTH_K = 3.0


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


def fts5_match(words: list[str], where: Where) -> tuple[tuple[int, ...], dict[str, Any], Where]:
    """The FTS5 side of a search: forms per word (the shape), the values to bind (the queries
    ``fts_query`` and, for a radius, ``fts_inner`` / ``fts_edge``; the title forms), and the
    conditions left for SQL."""
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
    return tuple(forms_per_word), params, folded.rest


def fts_condition(param: str = "fts_query") -> ColumnElement[bool]:
    """SQLite: ``offers_search`` matches the FTS5 query bound as ``param``."""
    return literal_column("offers_search").op("MATCH")(bindparam(param, type_=Text))
