"""Dates written for people: "12 mars 2025", "12/03/2025", "il y a 3 jours", "Posted Today".

The slow path of :func:`normalizers.fields.dates.parse_date`, reached only when the exact
machine formats (ISO 8601, RFC 822, epochs) failed. Vocabulary: ``data/vocab/dates.yaml``.
Relative phrases count back from ``now`` (a month is 30 days, a year 365); "30+ days" is read
as 30 days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import cache
from typing import Any

from normalizers.vocab import load_vocab

_LETTER_BEFORE = r"(?<![^\W\d_])"
_LETTER_AFTER = r"(?![^\W\d_])"
_TIME = r"(?:\s*(?:,|à|a|at|um|t|-)?\s*(?P<hh>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<ss>\d{2}))?)?"


def _words(words: list[Any]) -> str:
    escaped = (re.escape(str(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1])
    return f"{_LETTER_BEFORE}(?:{'|'.join(escaped)}){_LETTER_AFTER}"


@dataclass(frozen=True, slots=True)
class DateVocab:
    """Compiled patterns and lookups of the text-date parser."""

    months: dict[str, int]
    day_words: dict[str, int]
    units: dict[str, int]
    numbers: dict[str, int]
    named_dmy: re.Pattern[str]
    named_mdy: re.Pattern[str]
    day_word_re: re.Pattern[str]
    ago_re: re.Pattern[str]
    relative_re: re.Pattern[str]


def _invert(raw: dict[Any, list[Any]]) -> dict[str, int]:
    return {str(word).lower(): int(key) for key, words in raw.items() for word in words}


@cache
def date_vocab() -> DateVocab:
    """Load and compile ``dates.yaml`` once per process."""
    raw: dict[str, Any] = load_vocab("dates")
    months, days = _invert(raw["months"]), _invert(raw["day_words"])
    units, numbers = _invert(raw["units"]), _invert(raw["number_words"])
    month = rf"(?P<mon>{_words(list(months))})\.?"
    return DateVocab(
        months=months,
        day_words=days,
        units=units,
        numbers=numbers,
        named_dmy=re.compile(
            rf"(?P<d>\d{{1,2}})(?:er|st|nd|rd|th|\.)?\s+{month},?\s+(?P<y>\d{{4}}){_TIME}"
        ),
        named_mdy=re.compile(
            rf"{month}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_TIME}"
        ),
        day_word_re=re.compile(_words(list(days))),
        ago_re=re.compile(_words(raw["ago_markers"])),
        relative_re=re.compile(
            rf"(?P<n>\d+|{_words(list(numbers))})\s*\+?\s*(?P<unit>{_words(list(units))})"
        ),
    )


_NUMERIC_DMY = re.compile(
    r"(?<!\d)(?P<a>\d{1,2})(?P<s>[./-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?!\d)" + _TIME
)
_NUMERIC_YMD = re.compile(r"(?<!\d)(?P<y>\d{4})(?P<s>[./])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)")


def _build(match: re.Match[str], year: int, month: int, day: int, zone: tzinfo) -> datetime:
    groups = match.groupdict()
    hour, minute, second = (int(groups.get(k) or 0) for k in ("hh", "mi", "ss"))
    if year < 100:
        year += 2000
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def _absolute(text: str, zone: tzinfo, dayfirst: bool) -> datetime | None:
    vocab = date_vocab()
    for pattern in (vocab.named_dmy, vocab.named_mdy):
        match = pattern.search(text)
        if match is not None:
            month = vocab.months[match.group("mon")]
            return _build(match, int(match.group("y")), month, int(match.group("d")), zone)
    match = _NUMERIC_YMD.search(text)
    if match is not None:
        y, m, d = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        return datetime(y, m, d, tzinfo=zone)
    match = _NUMERIC_DMY.search(text)
    if match is not None:
        a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("y"))
        day, month = (a, b) if dayfirst else (b, a)
        if month > 12 >= day:
            day, month = month, day
        return _build(match, year, month, day, zone)
    return None


def _relative(text: str, now: datetime) -> datetime | None:
    vocab = date_vocab()
    if vocab.ago_re.search(text):
        match = vocab.relative_re.search(text)
        if match is not None:
            count = match.group("n")
            n = int(count) if count.isdigit() else vocab.numbers[count]
            unit = vocab.units[re.sub(r"\s+", " ", match.group("unit"))]
            return now - timedelta(seconds=min(n, 100_000) * unit)
    match = vocab.day_word_re.search(text)
    if match is not None:
        return now - timedelta(days=vocab.day_words[re.sub(r"\s+", " ", match.group(0))])
    return None


def parse_text_date(
    text: str, zone: tzinfo, now: datetime, *, dayfirst: bool = True
) -> datetime | None:
    """An aware datetime from a human-written date, absolute or relative to ``now``."""
    normalized = " ".join(text.lower().replace("\u2019", "'").split())
    return _absolute(normalized, zone, dayfirst) or _relative(normalized, now)
