"""Words for full-text search: folding, stop words and Snowball stemming, index and query side.

PostgreSQL indexes ``to_tsvector(<language config>, unaccent(text))``: accents and case are
folded first, then the language's stop words are dropped and Snowball stems the rest. SQLite's
FTS5 has no French stemmer, so the same steps run here in Python (PyStemmer, or the pure-Python
``snowballstemmer`` fallback) and FTS5 indexes the resulting words. Both backends therefore
agree on what matches.

A query word is never passed to the engine's query language: it is folded to letters and digits
and expanded to its stems in every supported language (plus itself), so "développeurs",
"developer" and "Entwickler" each find offers in any language whose stem they share.
"""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer

from normalizers.gazetteer.folding import strip_accents
from normalizers.vocab import load_vocab

STEMMED_LANGUAGES: dict[str, str] = {"fr": "french", "en": "english", "de": "german"}
DEFAULT_LANGUAGE = "fr"
MAX_QUERY_TERMS = 8
MAX_TERM_LENGTH = 40

_WORD = re.compile(r"[^\W_]+")


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    lists: dict[str, list[str]] = load_vocab("search")["stopwords"]
    return {lang: frozenset(words) for lang, words in lists.items()}


@cache
def _all_stopwords() -> frozenset[str]:
    return frozenset().union(*_stopwords().values())


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(STEMMED_LANGUAGES[language])


def index_language(language: str | None) -> str | None:
    """The stemming language of an offer: its own when supported, French when unknown, else none."""
    if language is None:
        return DEFAULT_LANGUAGE
    return language if language in STEMMED_LANGUAGES else None


def words(text: str) -> list[str]:
    """Folded words of ``text`` (lower case, no accents), split on non-letters and non-digits."""
    return _WORD.findall(strip_accents(text).lower())


def index_text(text: str | None, language: str | None) -> str:
    """What FTS5 indexes for ``text``: its words without stop words, stemmed, space-separated."""
    if not text:
        return ""
    lang = index_language(language)
    tokens = words(text)
    if lang is None:
        return " ".join(tokens)
    stop = _stopwords().get(lang, frozenset())
    kept = [t for t in tokens if t not in stop]
    return " ".join(_stemmer(lang).stemWords(kept))


def query_words(q: str) -> list[str]:
    """The words of a user query that take part in the search (folded, no stop words, bounded).

    Everything that is not a letter or digit (quotes, ``*``, ``-``, parentheses, ``NEAR``'s
    punctuation) is a separator, so no input can reach the engine's query syntax.
    """
    stop = _all_stopwords()
    seen: list[str] = []
    for token in words(q):
        token = token[:MAX_TERM_LENGTH]
        if token not in stop and token not in seen:
            seen.append(token)
        if len(seen) == MAX_QUERY_TERMS:
            break
    return seen


def expansions(word: str) -> list[str]:
    """A query word and its stems in every stemmed language (the forms an index may hold)."""
    forms = [word]
    for lang in STEMMED_LANGUAGES:
        stem = _stemmer(lang).stemWord(word)
        if stem not in forms:
            forms.append(stem)
    return forms


# Geographic cells indexed beside the words (SQLite, migration 0008; PostgreSQL, 0011): each
# offer with coordinates gets one token per level, the cell of a grid of that many degrees holding
# it, so a radius search intersects "word AND one of the cells around the centre" inside the
# inverted index (FTS5's, or PostgreSQL's GIN) instead of filtering every match of the word by
# distance. Changing the levels needs a migration that rebuilds ``offers_search`` and
# PostgreSQL's ``search_cells`` function and index.
GEO_CELL_DEGREES = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)


def geo_cell(latitude: float, longitude: float, level: int) -> tuple[int, int]:
    """(column, row) of the cell of ``level`` holding the point; the same arithmetic as SQL."""
    size = GEO_CELL_DEGREES[level]
    return int((longitude + 180.0) / size), int((latitude + 90.0) / size)


def geo_token(level: int, column: int, row: int) -> str:
    """The indexed word of a cell: letters and digits only, so FTS5 keeps it whole."""
    return f"g{level}x{column}y{row}"


def geo_tokens_sql(latitude: str, longitude: str) -> str:
    """SQL text of an offer's cell tokens, from its coordinate columns (empty when unknown)."""
    parts = [
        f"'g{level}x' || CAST(({longitude} + 180.0) / {size!r} AS INTEGER) || 'y' || "
        f"CAST(({latitude} + 90.0) / {size!r} AS INTEGER)"
        for level, size in enumerate(GEO_CELL_DEGREES)
    ]
    tokens = " || ' ' || ".join(parts)
    return f"(CASE WHEN {latitude} IS NULL OR {longitude} IS NULL THEN '' ELSE {tokens} END)"


def geo_cells_pg_function() -> str:
    """PostgreSQL's ``search_cells(latitude, longitude)``: the offer's cell tokens as a text
    array, indexed beside ``search_vector`` (migration 0011); an unknown coordinate gives
    nulls, which match no cell.

    ``floor`` where SQLite casts: PostgreSQL's cast to integer rounds, SQLite's and Python's
    truncate (the same for these non-negative values). Neither strict nor calling a stable
    function (``text || integer`` is one), so the planner inlines it where it tests rows.
    """
    parts = ", ".join(
        f"'g{level}x' || floor((longitude + 180.0) / {size!r})::integer::text || 'y' || "
        f"floor((latitude + 90.0) / {size!r})::integer::text"
        for level, size in enumerate(GEO_CELL_DEGREES)
    )
    return (
        "CREATE OR REPLACE FUNCTION search_cells(latitude double precision, "
        "longitude double precision) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"AS $$ SELECT ARRAY[{parts}] $$"
    )


# Filter tags indexed beside the words (SQLite, migration 0009): the filters the portal uses
# with keywords (contract type, working time, remote, minimum salary) as tokens of a fourth
# column, ``search_tags``, so FTS5 intersects them with the words in its inverted index instead
# of SQL testing each match's offer row. A minimum salary is a cumulative threshold: an offer
# whose annualized upper amount is 47,000 holds the tags of 5,000 to 45,000. Tags and cells are
# indexed for open offers only, so a match on any of them is an open offer (the portal's
# default); a search of closed offers filters in SQL. Changing the tags needs a migration that
# rebuilds ``offers_search``.
SALARY_TAG_STEP = 5_000
SALARY_TAG_TOP = 150_000
_TAGGED = {"contract_type": "ct", "working_time": "wt", "remote": "rm"}


def filter_tag(column: str, value: str) -> str:
    """The indexed word of a filter value: letters and digits only, so FTS5 keeps it whole."""
    return _TAGGED[column] + value.replace("_", "")


def salary_tag(minimum: float) -> str | None:
    """The tag of the highest threshold at or below ``minimum`` (None below the first): offers
    holding it have an annualized upper salary of at least that threshold."""
    steps = min(int(minimum // SALARY_TAG_STEP), SALARY_TAG_TOP // SALARY_TAG_STEP)
    return f"sy{steps * SALARY_TAG_STEP // 1000:03d}" if steps > 0 else None


def salary_tag_is_exact(minimum: float) -> bool:
    """Whether the tag of ``minimum`` selects exactly the offers at or above it."""
    return minimum % SALARY_TAG_STEP == 0 and SALARY_TAG_STEP <= minimum <= SALARY_TAG_TOP


def open_only_sql(row: str, tokens: str) -> str:
    """SQL text of ``tokens`` for an open offer, nothing for another (tags and cells)."""
    return f"(CASE WHEN {row}.status = 'open' THEN {tokens} ELSE '' END)"


def filter_tags_sql(row: str) -> str:
    """SQL text of an offer's filter tags, from its columns (``row``: ``new``, ``old`` or a
    table name); the same words as :func:`filter_tag` and :func:`salary_tag`, for an open offer
    only."""
    parts = [
        f"CASE WHEN {row}.{column} IS NULL THEN '' "
        f"ELSE ' {prefix}' || replace({row}.{column}, '_', '') END"
        for column, prefix in _TAGGED.items()
    ]
    thresholds = "".join(
        f" sy{amount // 1000:03d}"
        for amount in range(SALARY_TAG_STEP, SALARY_TAG_TOP + 1, SALARY_TAG_STEP)
    )
    width, amount = len(" sy000"), f"{row}.salary_year_max"
    steps = f"CAST({amount} / {SALARY_TAG_STEP} AS INTEGER)"
    # thresholds at or below the amount; the division may round up to the next whole step
    reached = f"({steps} - ({steps} * {SALARY_TAG_STEP} > {amount}))"
    parts.append(
        f"CASE WHEN {amount} IS NULL THEN '' ELSE substr('{thresholds}', 1, "
        f"{width} * max(0, min({reached}, {SALARY_TAG_TOP // SALARY_TAG_STEP}))) END"
    )
    return open_only_sql(row, "(" + " || ".join(parts) + ")")


def filter_tags_pg_function() -> str:
    """PostgreSQL's ``search_tags(contract_type, working_time, remote, salary_year_max)``: the
    offer's filter tags (:func:`filter_tag`, the thresholds of :func:`salary_tag` it reaches) as
    a text array, indexed beside ``search_vector`` (migration 0011), for offers of any status;
    an unknown value gives a null, which matches no tag. Inlinable, as ``search_cells``."""
    values = ", ".join(
        f"'{prefix}' || replace({column}, '_', '')" for column, prefix in _TAGGED.items()
    )
    thresholds = " ".join(
        f"sy{amount // 1000:03d}"
        for amount in range(SALARY_TAG_STEP, SALARY_TAG_TOP + 1, SALARY_TAG_STEP)
    )
    width, top = len("sy000 "), SALARY_TAG_TOP // SALARY_TAG_STEP
    reached = f"least(greatest(floor(salary_year_max / {SALARY_TAG_STEP}), 0), {top})::integer"
    salary = f"string_to_array(rtrim(substr('{thresholds} ', 1, {width} * {reached})), ' ')"
    return (
        "CREATE OR REPLACE FUNCTION search_tags(contract_type text, working_time text, "
        "remote text, salary_year_max double precision) RETURNS text[] LANGUAGE sql "
        f"IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY[{values}] || "
        f"coalesce({salary}, ARRAY[]::text[]) $$"
    )
