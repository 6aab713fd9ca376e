"""Mojibake repair with ftfy, paid for only where a text shows a sign of it.

ftfy costs about a millisecond per 5 KB (its badness regex and eight translation passes run
over every character), while almost every offer is clean. ftfy fixes each line on its own, so
we split a text into lines and hand ftfy only the lines that show a trace of what it repairs
(a whole line, as ftfy itself would see it, so the result is ftfy's): a UTF-8 lead byte read
as Latin-1/cp1252 ("Ã©", "â€™", "Â "), C1 controls, the characters its other fixers rewrite
(controls, ligatures, full-width forms, odd line breaks, surrogates) or non-NFC text. Other
lines pass through untouched.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.chardata import CONTROL_CHARS, LIGATURES, WIDTH_MAP

_CONFIG = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, explain=False)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00]")
# A piece is one line with its line break (ftfy decides line by line).
_PIECE = re.compile(r"[^\n]*\n|[^\n]+")


def _char_class(codes: set[int]) -> str:
    """A regex character class for a set of code points (ranges merged)."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = (
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return "[" + "".join(parts) + "]"


# A lead byte of multi-byte UTF-8 (0xC0-0xFF, overlong forms included) seen as Latin-1 or
# cp1252, then a continuation byte (0x80-0xBF) seen the same way.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
# The same in MacRoman. Leads common in French text (quotes, dashes, capitals) only count
# before a continuation that is no lower-case letter ("jusqu’à" is French, not mojibake).
_MAC_RARE_LEAD = "¬√ƒ≈∆ŒœÿŸ⁄‹›ﬁﬂ‡‰ıˆ˜¯˘˙˚¸˝˛ˇ◊"
_MAC_LEAD = "«»…ÀÃÕ–—“”‘’÷€·‚„ÂÊÁËÈÍÎÏÌÓÔÒÚÛÙ"
_MAC_CONTINUATION = "ßÄÅÇÉÑÖÜ†°¢£§•¶®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø"
_MAC_LOWER = "áàâäãåçéèêëíìîïñóòôöõúùûü"
_FIXED_CHARS = set(CONTROL_CHARS) | set(WIDTH_MAP) | set(LIGATURES)
_FIXED_CHARS |= {0x0D, 0x1B, 0x85, 0x2028, 0x2029, 0xFFFD} | set(range(0x80, 0xA0))
_FIXED_CHARS |= set(range(0xD800, 0xE000))


def _codes(chars: str) -> set[int]:
    return {ord(char) for char in chars}


# Each sign of mojibake as (the characters it starts with, the regex of what must follow).
_SIGNS: tuple[tuple[set[int], str], ...] = (
    (set(range(0xC0, 0x100)), f"[\u0080-\u00bf{_CP1252_HIGH}]"),
    (_codes(_MAC_RARE_LEAD), f"[{_MAC_CONTINUATION}{_MAC_LOWER}]"),
    (_codes(_MAC_LEAD), f"[{_MAC_CONTINUATION}]"),
    (_codes("в"), "Ђ"),
    (_codes("β"), "€"),
    (_codes("ā"), "€"),
    (_codes("‚"), "[Äâó]"),
    (_codes("ВГРС"), ".[ВГРС]"),
    (_codes("ΒΓΞΟ"), ".[ΒΓΞΟ]"),
    (_codes("√≈"), ""),
    (_FIXED_CHARS, ""),
)
# One character class first (``re`` then skips ahead in C to the next candidate character),
# then a look-behind picks the sign that character starts: French text has a few accented
# letters per line, and only those are looked at closely.
_SUSPECT = re.compile(
    _char_class(set().union(*(leads for leads, _ in _SIGNS)))
    + "(?:"
    + "|".join(f"(?<={_char_class(leads)}){rest}" for leads, rest in _SIGNS)
    + ")"
)


def _suspect(piece: str) -> bool:
    if piece.isascii():
        return _SUSPECT.search(piece) is not None
    return _SUSPECT.search(piece) is not None or not unicodedata.is_normalized("NFC", piece)


def fix_mojibake(text: str) -> str:
    """``text`` with mojibake repaired and invisible characters dropped (quotes, entities kept)."""
    text = text.replace("\x00", "")
    if _suspect(text):
        text = "".join(
            ftfy.fix_text(piece, config=_CONFIG) if _suspect(piece) else piece
            for piece in _PIECE.findall(text)
        )
    return _INVISIBLE.sub("", text)
