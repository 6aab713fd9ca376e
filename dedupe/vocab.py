"""The dedupe vocabulary (``data/vocab/dedupe.yaml``), loaded once and compiled into matchers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from dedupe.text import fold, words


@dataclass(frozen=True, slots=True)
class Vocab:
    """Compiled vocabulary: regexes and word sets used by the key builders."""

    gender_markers: re.Pattern[str]
    inclusive_endings: re.Pattern[str]
    title_stopwords: frozenset[str]
    title_noise: frozenset[str]
    title_abbreviations: dict[str, str]
    company_drop: frozenset[str]
    company_noise: frozenset[str]
    city_aliases: dict[str, str]
    city_noise: frozenset[str]
    boilerplate: tuple[str, ...]  # word-normalized, padded with spaces for whole-word search
    boilerplate_openings: tuple[str, ...]  # word-normalized: boilerplate only opening a sentence
    salary_cues: frozenset[str]  # words that make a sentence with a number a pay line
    contract_compatible: frozenset[frozenset[str]]
    agency_markers: tuple[str, ...]  # word-normalized, padded with spaces
    agency_phrases: tuple[str, ...]  # word-normalized, padded with spaces
    working_time_phrases: dict[str, re.Pattern[str]]  # working time -> whole-word regex
    weekly_hours: re.Pattern[str]  # over folded text, group "h": the hours
    usual_weekly_hours: frozenset[float]  # the weeks most ads state: nothing distinctive
    remote_phrases: dict[str, re.Pattern[str]]  # remote / hybrid -> whole-word regex


def _marker_regex(markers: list[str]) -> re.Pattern[str]:
    """One regex for all gender markers, separators and brackets optional, longest first."""
    alternatives = []
    for marker in sorted({fold(m) for m in markers}, key=len, reverse=True):
        parts = [re.escape(part.strip()) for part in marker.split("/")]
        alternatives.append(r"\s*[/|\\.\-]\s*".join(parts))
    body = "|".join(alternatives)
    return re.compile(rf"[(\[]?\s*(?<![\w])(?:{body})(?![\w])\s*[)\]]?")


def _endings_regex(endings: list[str]) -> re.Pattern[str]:
    """Inclusive endings glued to a word: ``(e)``, ``·euse``, ``.e``, ``-ne``."""
    body = "|".join(re.escape(e) for e in sorted({fold(e) for e in endings}, key=len, reverse=True))
    return re.compile(rf"(?<=\w)(?:\((?:{body})\)|[·.•\-](?:{body})(?![\w]))")


def _phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """Whole-word regex over word-normalized text (words joined by single spaces)."""
    body = "|".join(re.escape(" ".join(words(fold(p)))) for p in phrases)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


def _words(values: list[str]) -> frozenset[str]:
    return frozenset(fold(v) for v in values)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """Load and compile ``data/vocab/dedupe.yaml`` (cached: the file is read once)."""
    text = resources.files("data").joinpath("vocab", "dedupe.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return Vocab(
        gender_markers=_marker_regex(raw["gender_markers"]),
        inclusive_endings=_endings_regex(raw["inclusive_endings"]),
        title_stopwords=_words(raw["title_stopwords"]),
        title_noise=_words(raw["title_noise"]),
        title_abbreviations={fold(k): fold(v) for k, v in raw["title_abbreviations"].items()},
        company_drop=_words(raw["company_legal_suffixes"]),
        company_noise=_words(raw["company_noise"]),
        city_aliases={fold(k): fold(v) for k, v in raw["city_aliases"].items()},
        city_noise=_words(raw["city_noise"]),
        boilerplate=tuple(f" {' '.join(words(fold(p)))} " for p in raw["description_boilerplate"]),
        boilerplate_openings=tuple(
            " ".join(words(fold(p))) for p in raw["description_boilerplate_openings"]
        ),
        salary_cues=_words(raw["description_salary_cues"]),
        contract_compatible=frozenset(frozenset(pair) for pair in raw["contract_compatible"]),
        agency_markers=tuple(f" {' '.join(words(fold(p)))} " for p in raw["agency_markers"]),
        agency_phrases=tuple(f" {' '.join(words(fold(p)))} " for p in raw["agency_phrases"]),
        working_time_phrases={
            name: _phrase_regex(phrases) for name, phrases in raw["working_time_phrases"].items()
        },
        weekly_hours=re.compile(
            r"(?<![\d.,])(?P<h>\d{1,2}(?:[.,]\d{1,2})?)(?:"
            + "|".join(f"(?:{p})" for p in raw["weekly_hours"])
            + ")"
        ),
        usual_weekly_hours=frozenset(float(h) for h in raw["usual_weekly_hours"]),
        remote_phrases={
            name: _phrase_regex(phrases) for name, phrases in raw["remote_phrases"].items()
        },
    )
