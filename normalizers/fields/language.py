"""Language of an offer, detected offline with py3langid (ISO 639-1 code or None).

Detection is restricted to the languages our boards publish in: a closed set is both faster
and more accurate than the full 97-language model (no "la" or "an" for short French text).
Text that is too short, or on which the model is unsure, gives None rather than a guess.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

LANGUAGES: tuple[str, ...] = ("fr", "en", "de", "es", "it", "nl", "pt", "pl", "sv", "da")
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.6
MAX_CHARS = 3000

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#\d_*|•·–—-]+")
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _identifier() -> Any:
    """The py3langid model, loaded on first use and restricted to :data:`LANGUAGES`."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of the text's language, or None when too short or uncertain."""
    if not isinstance(text, str):
        return None
    sample = _NOISE.sub(" ", text[:MAX_CHARS])
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    try:
        language, confidence = _identifier().classify(sample)
    except Exception:  # the model must never take a crawl down
        return None
    if language not in LANGUAGES or confidence < MIN_CONFIDENCE:
        return None
    return str(language)


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Labelled-corpus adapter: ``{"text": ...}`` -> ``{"language": code or None}``."""
    return {"language": detect_language(input.get("text"))}
