"""Working time (full or part time) from codes, phrases and weekly hours.

France Travail writes it as hours ("35H Horaires normaux", "24H/semaine") next to a label
("Temps plein"); ATS feeds use enums (``FULL_TIME``, ``FullTime``, ``full-time``); German
boards Vollzeit/Teilzeit. Hours below the threshold in ``data/vocab/working_time.yaml`` (35 h a
week, the French legal week) mean part time. Texts are read most specific first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from aggregator.schema import WorkingTime
from normalizers.fields.literals import Gated, fold
from normalizers.fields.phrases import (
    RuleSet,
    compile_negation,
    compile_rules,
    find_hits,
    is_short,
    listed_codes,
    prepare,
    whole_code,
)
from normalizers.vocab import load_vocab

_EITHER = "either"
_LIST_SEPARATORS = re.compile(r"\s*[,;|/]\s*")


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    codes: dict[str, WorkingTime | None]
    rules: RuleSet
    negation: re.Pattern[str]
    weekly: tuple[Gated, ...]
    monthly: tuple[Gated, ...]
    bare: tuple[Gated, ...]
    weekly_min: float
    monthly_min: float
    longest_code: int = 0


@cache
def _vocabulary() -> _Vocabulary:
    data = load_vocab("working_time")
    hours = data["hours"]

    def patterns(key: str) -> tuple[Gated, ...]:
        return tuple(Gated.of(re.compile(p, re.IGNORECASE)) for p in hours[key])

    codes = {str(k): (WorkingTime(v) if v is not None else None) for k, v in data["codes"].items()}
    return _Vocabulary(
        codes=codes,
        rules=compile_rules(data["phrases"]),
        negation=compile_negation(data["negations"]),
        weekly=patterns("weekly"),
        monthly=patterns("monthly"),
        bare=patterns("bare"),
        weekly_min=float(data["full_time_min_weekly_hours"]),
        monthly_min=float(data["full_time_min_monthly_hours"]),
        longest_code=max(map(len, codes), default=0),
    )


def _hours(match: re.Match[str]) -> float | None:
    """Hours of a duration match ("35", "17,5", "35H30" -> 35.5); None when not a number."""
    try:
        hours = float(match.group("h").replace(",", "."))
        minutes = match.groupdict().get("m")
        return hours + (int(minutes) / 60 if minutes else 0.0)
    except (ValueError, TypeError):
        return None


def _from_hours(text: str, vocab: _Vocabulary) -> WorkingTime | None:
    """Full or part time from the first weekly or monthly duration in the text."""
    candidates: list[tuple[int, float, float]] = []
    folded = fold(text)
    for patterns, minimum, anchored in (
        (vocab.weekly, vocab.weekly_min, False),
        (vocab.monthly, vocab.monthly_min, False),
        (vocab.bare, vocab.weekly_min, True),
    ):
        if anchored and not is_short(text):
            continue
        for gated in patterns:
            if not gated.possible(folded):
                continue
            match = gated.pattern.search(text)
            hours = _hours(match) if match else None
            if match and hours is not None and hours > 0:
                candidates.append((match.start(), hours, minimum))
    if not candidates:
        return None
    _, hours, minimum = min(candidates)
    return WorkingTime.FULL_TIME if hours >= minimum else WorkingTime.PART_TIME


def _read(text: str, vocab: _Vocabulary) -> WorkingTime | str | None:
    """One text's answer: a value, None (silent) or ``_EITHER`` (both are offered)."""
    key = whole_code(text, vocab.codes, vocab.longest_code)
    if key is not None:
        return vocab.codes[key]
    parts = listed_codes(text, vocab.codes, _LIST_SEPARATORS)
    if parts is not None:
        values = {vocab.codes[part] for part in parts} - {None}
        return values.pop() if len(values) == 1 else _EITHER
    for hit in find_hits(text, vocab.rules, vocab.negation):
        if not hit.negated:
            return hit.value if hit.value == _EITHER else WorkingTime(hit.value)
    return _from_hours(text, vocab)


def parse_working_time(*texts: str | None) -> WorkingTime | None:
    """Full or part time, told by the first of ``texts`` that tells it (never raises)."""
    try:
        vocab = _vocabulary()
    except Exception:  # a broken vocabulary file must not stop a crawl
        return None
    for raw in texts:
        text = prepare(raw)
        if text is None:
            continue
        found = _read(text, vocab)
        if isinstance(found, WorkingTime):
            return found
    return None


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Labelled-corpus adapter: ``{"texts": [...]}`` -> ``{"working_time": value or None}``."""
    value = parse_working_time(*input.get("texts", []))
    return {"working_time": value.value if value is not None else None}
