"""The pay sentence of a description, for formats whose only salary is in the ad text.

Greenhouse pay-transparency ranges ("Annual Pay Range€65.000—€80.000 EUR"), Workday,
Personio, Workable and SmartRecruiters ads state the salary in a sentence of the text. The
sentence kept is the first short one holding a digit, a currency marker and a pay cue
(``data/vocab/salary_cues.yaml``); the salary text parser then reads it. Sentences without
a cue ("un chiffre d'affaires de 40 M€") are left alone.
"""

from __future__ import annotations

import re
from functools import cache

from normalizers.vocab import load_vocab

MAX_SENTENCE = 200
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    vocab = load_vocab("salary_cues")
    cues = "|".join(re.escape(str(cue)) for cue in vocab["cues"])
    money = "|".join(re.escape(str(mark)) for mark in vocab["currencies"])
    return re.compile(rf"(?<!\w)(?:{cues})", re.IGNORECASE), re.compile(money, re.IGNORECASE)


def salary_sentence(text: str | None) -> str | None:
    """The first short sentence of ``text`` that states a pay, else None."""
    if not text:
        return None
    cue, money = _patterns()
    for sentence in _SENTENCES.split(text):
        sentence = sentence.strip()
        if (
            sentence
            and len(sentence) <= MAX_SENTENCE
            and any(ch.isdigit() for ch in sentence)
            and money.search(sentence)
            and cue.search(sentence)
        ):
            return sentence
    return None
