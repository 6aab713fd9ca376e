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
