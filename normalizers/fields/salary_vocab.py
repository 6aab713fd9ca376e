"""The salary vocabulary (``data/vocab/salary.yaml``) compiled once into regular expressions.

Phrases are matched on whole words, where a "word" boundary means a letter: digits may touch
a phrase ("70.000EUR", "35K€"), letters may not ("eur" inside "euros" or "neuro").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from aggregator.schema import SalaryPeriod
from normalizers.vocab import load_vocab

_LETTER_BEFORE = r"(?<![^\W\d_])"
_LETTER_AFTER = r"(?![^\W\d_])"


def phrase_pattern(phrases: list[str]) -> str:
    """One alternation of ``phrases``, longest first, bounded by non-letters where needed.

    Phrases sharing the same boundaries share one lookaround: a lookaround per branch makes
    the search several times slower on long texts.
    """
    groups: dict[tuple[bool, bool], list[str]] = {}
    for phrase in sorted(set(phrases), key=len, reverse=True):
        key = (phrase[:1].isalpha(), phrase[-1:].isalpha())
        groups.setdefault(key, []).append(re.escape(phrase).replace(r"\ ", r"\s+"))
    parts = []
    for (head, tail), escaped in groups.items():
        body = "|".join(escaped)
        parts.append(f"{_LETTER_BEFORE if head else ''}(?:{body}){_LETTER_AFTER if tail else ''}")
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True, slots=True)
class SalaryVocab:
    """Compiled lookups for the salary parsers."""

    currencies: dict[str, str]
    currency_re: re.Pattern[str]
    currency_end_re: re.Pattern[str]
    per_eur: dict[str, float]
    thresholds: dict[SalaryPeriod, float]
    annual_factor: dict[SalaryPeriod, float]
    annual_min: float
    annual_max: float
    periods: dict[str, SalaryPeriod]
    period_re: re.Pattern[str]
    units: dict[str, SalaryPeriod]
    min_re: re.Pattern[str]
    max_re: re.Pattern[str]
    connector_re: re.Pattern[str]
    filler_re: re.Pattern[str]
    multipliers: dict[str, float]
    multiplier_re: re.Pattern[str]
    non_amount_re: re.Pattern[str]
    noise_re: re.Pattern[str]


@cache
def salary_vocab() -> SalaryVocab:
    """Load and compile the vocabulary once per process."""
    raw: dict[str, Any] = load_vocab("salary")
    currencies = {str(k).lower(): str(v) for k, v in raw["currencies"].items()}
    periods = {
        str(phrase).lower(): SalaryPeriod(period)
        for period, phrases in raw["periods"].items()
        for phrase in phrases
    }
    units = {
        str(word).lower(): SalaryPeriod(period)
        for period, words in raw["units"].items()
        for word in words
    }
    marker_end = r"\s*$"
    multipliers = {str(k).lower(): float(v) for k, v in raw["multipliers"].items()}
    mult_words = "|".join(re.escape(m) for m in sorted(multipliers, key=len, reverse=True))
    return SalaryVocab(
        currencies=currencies,
        currency_re=re.compile(phrase_pattern(list(currencies))),
        currency_end_re=re.compile(phrase_pattern(list(currencies)) + r"\s?$"),
        per_eur={str(k): float(v) for k, v in raw["per_eur"].items()},
        thresholds={SalaryPeriod(k): float(v) for k, v in raw["inference_thresholds"].items()},
        annual_factor={SalaryPeriod(k): float(v) for k, v in raw["annual_factor"].items()},
        annual_min=float(raw["plausible_annual_min"]),
        annual_max=float(raw["plausible_annual_max"]),
        periods=periods,
        period_re=re.compile(phrase_pattern(list(periods))),
        units=units,
        min_re=re.compile(phrase_pattern(raw["min_markers"]) + marker_end),
        max_re=re.compile(phrase_pattern(raw["max_markers"]) + marker_end),
        filler_re=re.compile(
            "|".join([phrase_pattern(list(currencies)), phrase_pattern(list(periods))])
            + "|"
            + phrase_pattern(raw["filler_words"])
        ),
        connector_re=re.compile(r"^\s*" + phrase_pattern(raw["range_connectors"]) + marker_end),
        multipliers=multipliers,
        multiplier_re=re.compile(rf"\s?(?P<mult>{mult_words})(?![^\W\d_])"),
        non_amount_re=re.compile(r"\s?" + phrase_pattern(raw["non_amount_units"])),
        noise_re=re.compile("|".join(f"(?:{p})" for p in raw["noise_patterns"])),
    )
