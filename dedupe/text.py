"""Text folding shared by every dedupe key: one spelling per word whatever the board wrote."""

from __future__ import annotations

import re
import unicodedata

_WORD_RUN = re.compile(r"[a-z0-9+#]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters a plain NFKD decomposition leaves alone but boards spell several ways.
_SPECIAL = (("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("’", "'"))


def fold(text: str) -> str:
    """Casefold, strip accents, squeeze spaces: "Chargé  Clientèle" -> "charge clientele"."""
    lowered = text.casefold()
    if not lowered.isascii():
        for letter, spelled in _SPECIAL:  # replace() per letter: much faster than translate()
            if letter in lowered:
                lowered = lowered.replace(letter, spelled)
        lowered = _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))
    return " ".join(lowered.split())


def words(folded: str) -> list[str]:
    """Split folded text into word tokens; ``+`` and ``#`` stay so "c++" and "c#" survive."""
    if "+" not in folded and "#" not in folded:
        return _WORD_RUN.findall(folded)  # every run holds a letter or digit: nothing to drop
    return [w for w in _WORD_RUN.findall(folded) if w.strip("+#")]
