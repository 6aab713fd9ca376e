"""Folding of place names into lookup keys, shared by the build script and the lookups.

Boards write the same place many ways: "Saint-Étienne", "ST ETIENNE", "St-Etienne",
"saint étienne". One key per spelling family makes a lookup a dict access: lower case, accents
and ligatures removed, dots dropped ("U.S.A." -> "usa"), hyphens, apostrophes and other
punctuation turned into spaces, and the Saint/Sainte/St/Ste family unified to "st". The keys are
stored in the built data files, so changing this function means rebuilding the gazetteer
(``scripts/build_gazetteer.py``); ``FOLD_VERSION`` is written next to the data to catch drift.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

FOLD_VERSION = 1

_LIGATURES = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "’": "'",
        "ʼ": "'",
    }
)
_LIGATURES_UPPER = str.maketrans({"Æ": "AE", "Œ": "OE", "Ø": "O", "Ł": "L", "Đ": "D"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SAINTS = frozenset({"saint", "sainte", "st", "ste", "sankt"})


@cache
def _fold_table() -> dict[int, str | None]:
    """One translation table: every combining mark dropped, ligatures spelled out (built once,
    ~0.1 s), so folding is one C-level ``str.translate`` instead of a loop over characters."""
    table: dict[int, str | None] = {
        cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))
    }
    table.update(_LIGATURES)
    table.update(_LIGATURES_UPPER)
    return table


def strip_accents(text: str) -> str:
    """``text`` without combining marks (é -> e), ligatures spelled out, case kept."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_fold_table())


def fold(text: str) -> str:
    """The lookup key of a name: ``"Saint-Étienne"``, ``"ST ETIENNE"`` -> ``"st etienne"``."""
    bare = strip_accents(text).lower().replace(".", "")
    words = _NON_WORD.sub(" ", bare).split()
    return " ".join("st" if word in _SAINTS else word for word in words)


def is_latin(text: str) -> bool:
    """Whether a name is written in Latin script (other scripts fold to nothing useful)."""
    return all(ord(char) < 0x250 for char in strip_accents(text))
