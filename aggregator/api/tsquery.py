"""PostgreSQL's full-text query: a tsquery the server builds from bound words.

The tsquery is AND over words of (OR over the ``simple``, French, English and German
configurations of ``plainto_tsquery``). The server builds its text in a first tiny statement and
the search binds it as a constant, so the planner sees the lexemes and estimates how common they
are (GIN bitmap for rare words, a walk of the ``listed_at`` index for common ones). The search
keeps every configuration's form, repeats included: the planner counts each repeat, and that
overestimate is what makes it walk the ``listed_at`` index for two correlated words
("développeur python") rather than sort every match. Facets, which read any sample of matches in
no order, ask for each distinct form once (:func:`distinct_forms`): the true estimate picks the
GIN bitmap, where the repeated one picks a sequential scan that tests every row.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)

from aggregator.api.cache import TtlCache
from aggregator.store.search_text import STEMMED_LANGUAGES

_PG_CONFIGS = ("simple", *STEMMED_LANGUAGES.values())


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


def tsquery_text(conn: Connection, words: list[str], sampled: bool) -> str:
    """The tsquery text to bind for ``words``: every form (:func:`search_tsquery`), or each
    distinct form once when the caller reads matches in no order (``sampled``)."""
    text: str = _PG_QUERIES.get_or_compute(
        (tuple(words), sampled),
        lambda: distinct_forms(conn, words) if sampled else search_tsquery(conn, words),
        "dictionaries",
    )
    return text
