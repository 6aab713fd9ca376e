"""Free-text salary parsing (FR / EN / DE): amounts, ranges, currency, period.

Reading order: normalize spaces and dashes, cut noise that looks like numbers but is not pay
("sur 12.0 mois", "0.5%", "35 h/semaine"), read the amounts, pair two amounts joined by a range
word ("-", "à", "to", "bis"), else take the first amount and look before it for "à partir de" /
"jusqu'à". A "k" on one bound applies to a bare bound below 1 000 ("$150-190k").

Separators: a ``.`` ``,`` space, NBSP, narrow NBSP or apostrophe followed by exactly three digits
groups thousands ("40.000", "$40,000", "35 000"); otherwise ``.`` or ``,`` is a decimal mark
("12,06", "1.5k", "1833.0").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from aggregator.schema import SalaryPeriod
from normalizers.fields.salary_model import Salary, build_salary, normalize_currency
from normalizers.fields.salary_vocab import salary_vocab

_GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2007\u2009\u200a](?=\d{3})")
_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009\u200a]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")
_MAX_TEXT = 2000
_MARKER_REACH = 40

_NUMBER = re.compile(
    r"(?<![\d.,])"
    r"(?P<int>\d{1,3}(?P<sep>[ .,'\x00])\d{3}(?:(?P=sep)\d{3})*|\d+)"
    r"(?:[.,](?P<frac>\d+))?"
    r"(?!\d)"
)


@dataclass(frozen=True, slots=True)
class Amount:
    """One number read from the text, where it was, and how it was marked as money.

    ``marked`` means a multiplier or a currency right next to it: "Bac+2, 30 k€" is 30 k€.
    """

    value: float
    start: int
    end: int
    multiplied: bool
    marked: bool


def _normalize(text: str) -> str:
    """Lower-case, one kind of dash and apostrophe; thin spaces in numbers become ``\\x00``."""
    text = _SPACES.sub(" ", _GROUP_SPACE.sub("\x00", text[:_MAX_TEXT]))
    text = _DASHES.sub("-", text).replace("\u2019", "'").replace("\u2032", "'")
    return _WHITESPACE.sub(" ", text).lower()


def _number_value(match: re.Match[str]) -> float:
    digits = match.group("int")
    if match.group("sep"):
        digits = digits.replace(match.group("sep"), "")
    frac = match.group("frac")
    return float(f"{digits}.{frac}" if frac else digits)


def read_amounts(text: str) -> list[Amount]:
    """Every pay-like number in normalized ``text``, multipliers applied, in order."""
    vocab = salary_vocab()
    amounts: list[Amount] = []
    for match in _NUMBER.finditer(text):
        value, end = _number_value(match), match.end()
        mult = vocab.multiplier_re.match(text, end)
        multiplied = mult is not None
        if mult is not None:
            value *= vocab.multipliers[mult.group("mult")]
            end = mult.end()
        elif vocab.non_amount_re.match(text, end):
            continue
        start = match.start()
        marked = multiplied or _has_currency_next_to(text, start, end)
        amounts.append(Amount(value, start, end, multiplied, marked))
    return amounts


def _has_currency_next_to(text: str, start: int, end: int) -> bool:
    vocab = salary_vocab()
    after = end + 1 if text[end : end + 1] == " " else end
    if vocab.currency_re.match(text, after):
        return True
    return vocab.currency_end_re.search(text[max(0, start - 5) : start]) is not None


def parse_amount(text: str) -> float | None:
    """The first amount of a short string such as ``"67500"``, ``"67,500"`` or ``"190k"``."""
    amounts = read_amounts(_normalize(text))
    return amounts[0].value if amounts else None


def _without_currency(text: str) -> str:
    return salary_vocab().currency_re.sub(" ", text.replace("\x00", " "))


def _bounds(text: str, amounts: list[Amount]) -> tuple[float | None, float | None]:
    vocab = salary_vocab()
    for first, second in itertools.pairwise(amounts):
        between = vocab.filler_re.sub(" ", text[first.end : second.start].replace("\x00", " "))
        if vocab.connector_re.match(between):
            low, high = first.value, second.value
            if second.multiplied and not first.multiplied and low < 1000:
                low *= 1000
            elif first.multiplied and not second.multiplied and high < 1000:
                high *= 1000
            return low, high
    first = next((amount for amount in amounts if amount.marked), amounts[0])
    before = _without_currency(text[max(0, first.start - _MARKER_REACH) : first.start])
    if text[first.end : first.end + 1] == "+" or vocab.min_re.search(before):
        return first.value, None
    if vocab.max_re.search(before):
        return None, first.value
    return first.value, first.value


def _currency(text: str, hint: str | None) -> str | None:
    match = salary_vocab().currency_re.search(text)
    if match is not None:
        return salary_vocab().currencies[match.group(0)]
    return normalize_currency(hint)


def _period(text: str) -> SalaryPeriod | None:
    vocab = salary_vocab()
    match = vocab.period_re.search(text.replace("\x00", " "))
    if match is None:
        return None
    return vocab.periods.get(re.sub(r"\s+", " ", match.group(0)))


def parse_salary_text(text: str | None, *, currency_hint: str | None = None) -> Salary | None:
    """A :class:`Salary` from free text, or None when the text states no usable amount."""
    if not isinstance(text, str) or not text.strip():
        return None
    normalized = _normalize(text)
    cleaned = salary_vocab().noise_re.sub(" ", normalized)
    amounts = read_amounts(cleaned)
    if not amounts:
        return None
    low, high = _bounds(cleaned, amounts)
    return build_salary(low, high, _currency(cleaned, currency_hint), _period(cleaned))
