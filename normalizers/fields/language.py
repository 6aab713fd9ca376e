"""Language of an offer, detected offline with py3langid (ISO 639-1 code or None).

Detection is restricted to the languages our boards publish in: a closed set is both faster
and more accurate than the full 97-language model (no "la" or "an" for short French text).
Text that is too short, or on which the model is unsure, gives None rather than a guess.
Only the first :data:`MAX_CHARS` characters are read: py3langid walks its n-gram automaton
byte by byte in Python (about 0.15 µs a byte), and a thousand characters of an offer tell
its language as surely as the whole of it. Most offers are settled before the model runs:
when one language's function words (``data/vocab/language_words.yaml``) clearly outnumber
every other's, that language is the answer, at a tenth of the model's cost.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from normalizers.vocab import load_vocab

LANGUAGES: tuple[str, ...] = ("fr", "en", "de", "es", "it", "nl", "pt", "pl", "sv", "da")
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.6
MAX_CHARS = 1000

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#\d_*|•·–—-]+")
# The same without the alternatives that cannot match (no "@", no link): each costs a try at
# every position of the text.
_NOISE_NO_EMAIL = re.compile(r"https?://\S+|www\.\S+|[#\d_*|•·–—-]+")
_NOISE_SYMBOLS = re.compile(r"[#\d_*|•·–—-]+")
_WORD = re.compile(r"[^\W\d_]+")
WORDS_MIN_HITS = 8
WORDS_MIN_RATIO = 4


@cache
def _function_words() -> dict[str, str]:
    """Function word -> its language, for the words that belong to one language only."""
    owners: dict[str, set[str]] = {}
    for language, words in load_vocab("language_words").items():
        for word in words:
            owners.setdefault(str(word).lower(), set()).add(str(language))
    return {word: langs.pop() for word, langs in owners.items() if len(langs) == 1}


def _by_function_words(sample: str) -> str | None:
    """The language whose function words clearly dominate the sample, else None."""
    return _dominant(_WORD.findall(sample.lower()))


def _dominant(found: list[str]) -> str | None:
    """The language whose function words clearly dominate the lower-cased ``found`` words."""
    words = _function_words()
    counts = Counter(filter(None, map(words.get, found)))
    ranked = [*counts.most_common(2), ("", 0), ("", 0)]
    (best, hits), (_, runner_up) = ranked[0], ranked[1]
    if hits >= WORDS_MIN_HITS and hits >= WORDS_MIN_RATIO * runner_up:
        return best
    return None


@cache
def _identifier() -> Any:
    """The py3langid model, loaded on first use and restricted to :data:`LANGUAGES`."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def _denoised(text: str) -> str:
    """``text`` with links, e-mail addresses, digits and bullets replaced by spaces."""
    if "@" in text:
        return _NOISE.sub(" ", text)
    if "://" in text or "www." in text:
        return _NOISE_NO_EMAIL.sub(" ", text)
    return _NOISE_SYMBOLS.sub(" ", text)


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of the text's language, or None when too short or uncertain."""
    if not isinstance(text, str):
        return None
    head = text[:MAX_CHARS]
    # Digits, bullets and dashes are not letters: replacing them by spaces leaves the words
    # as they are, so only links and e-mail addresses (which hold letters) must go before the
    # words are read. The model, which reads every character, gets the whole denoised text.
    noisy = "@" in head or "://" in head or "www." in head
    # Lower-casing never changes which characters are letters, so the words give the count.
    found = _WORD.findall((_denoised(head) if noisy else head).lower())
    if sum(map(len, found)) < MIN_LETTERS:
        return None
    try:
        quick = _dominant(found)
        if quick is not None:
            return quick
        language, confidence = _identifier().classify(_denoised(head))
    except Exception:  # the model must never take a crawl down
        return None
    if language not in LANGUAGES or confidence < MIN_CONFIDENCE:
        return None
    return str(language)


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Labelled-corpus adapter: ``{"text": ...}`` -> ``{"language": code or None}``."""
    return {"language": detect_language(input.get("text"))}
