"""The mojibake gate: ftfy is skipped only where it would have changed nothing.

Texts are built the way offers are written (words of French, German and English letters
between punctuation), clean or garbled the way real feeds garble them (UTF-8 read as
Latin-1 or cp1252, as in the RemoteOK sample). ftfy on the whole text is the reference.
"""

from __future__ import annotations

import ftfy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from normalizers.fields.mojibake import fix_mojibake

CONFIG = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, explain=False)
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LETTERS += "éèêëàâäîïôöûüùçœæÉÈÀÇßÄÖÜñóãí"
SEPARATORS = [" ", ", ", ". ", " « ", " » ", "’", "'", " – ", " — ", "\n", "\xa0: ", " ("]
SEPARATORS += [") ", "…"]
SEPARATORS += [" € ", "°", " 😀 ", " ✔ ", " · ", " <p>", "</p>", "<br>", "“", "” ", " & "]
WORD = st.text(st.sampled_from(LETTERS), min_size=1, max_size=12)
TEXT = st.lists(st.tuples(WORD, st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda parts: "".join(word + separator for word, separator in parts)
)


def _reference(text: str) -> str:
    return fix_mojibake(ftfy.fix_text(text, config=CONFIG))


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_clean_text_is_left_as_ftfy_leaves_it(text: str) -> None:
    # Random letters sometimes spell what ftfy reads as mojibake ("ÈàÄ" -> "鈀"): only text
    # ftfy itself leaves alone is clean text, and that text must stay as it is.
    assume(_reference(text) == text)
    assert fix_mojibake(text) == text


@settings(max_examples=400, deadline=None)
@given(TEXT, st.sampled_from(["latin-1", "windows-1252"]))
def test_garbled_text_is_repaired_as_ftfy_repairs_it(text: str, encoding: str) -> None:
    garbled = text.encode("utf-8").decode(encoding, errors="replace")
    assert fix_mojibake(garbled) == _reference(garbled)


def test_recorded_mojibake_is_repaired() -> None:
    assert fix_mojibake("FlorianÃ³polis") == "Florianópolis"
    garbled = "<p>Weâ\x80\x99re hiring</p>\n<p>Café</p>"
    assert fix_mojibake(garbled) == "<p>We’re hiring</p>\n<p>Café</p>"
    clean = "Salaire\u00a0: 35\u00a0k€, jusqu’à 40"
    assert fix_mojibake(clean) == clean


def test_control_and_invisible_characters_are_dropped() -> None:
    assert fix_mojibake("a\x00b\u200bc\x07d\ufeff") == "abcd"
    assert fix_mojibake("ﬁnance") == "finance"
    assert fix_mojibake("ｆｕｌｌ") == "full"
