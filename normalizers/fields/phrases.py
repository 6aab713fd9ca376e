"""Phrase matching shared by the vocabulary-driven field normalizers (contract, time, remote).

Rules are regular expressions kept in ``data/vocab/*.yaml``. A text is searched for all rules at
once and the leftmost-longest, non-overlapping hits are kept, each flagged when a negation
("pas de CDD", "no remote", "kein Homeoffice") stands just before it. Rules marked *short*
only apply to short texts (structured fields and titles), where a bare word such as "Stage" or
"Remote" is a reliable signal; in a long description the same word is too often incidental.

Speed: a rule only runs when the literals it needs are in the text (see
:mod:`normalizers.fields.literals`), so a long description costs one lower-casing and a few
substring tests instead of a full scan per rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from normalizers.fields.literals import fold, required_literals

SHORT_TEXT_CHARS = 160
_NEGATION_WINDOW = 40
_PUNCTUATION = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-") | dict.fromkeys("’‘`´ʼ", "'"))
_ODD_PUNCTUATION = re.compile("[‐‑‒–—―−’‘`´ʼ]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_\-]+")
_SENTENCE_END = re.compile(r"(?<![A-Z])[a-zß-öø-ÿ]{3,}[.!?;](?:\s|$)")


@dataclass(frozen=True, slots=True)
class Rule:
    """One phrase pattern and the value it signals."""

    value: str
    pattern: re.Pattern[str]
    short_only: bool
    literals: frozenset[str] | None = None  # one of them is in every match (None: no test)


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule found in a text, with its position and whether it is negated."""

    value: str
    start: int
    end: int
    negated: bool


def prepare(text: object) -> str | None:
    """Text to match on: NFC, one kind of dash and apostrophe, or None when not usable."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, list | tuple):
        text = ", ".join(str(part) for part in text if part is not None)
    if not isinstance(text, str):
        text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if _ODD_PUNCTUATION.search(text):
        text = text.translate(_PUNCTUATION)
    return text if text.strip() else None


def code_key(text: str) -> str:
    """Key of a structured code: ``FULL_TIME``, ``FullTime``, ``full-time`` -> ``full time``."""
    return _SEPARATORS.sub(" ", _CAMEL.sub(" ", text.strip())).strip().lower()


def is_short(text: str) -> bool:
    """Whether a text reads like a field value or a title (short, not a sentence).

    A short sentence from a description ("Vous avez une première expérience (stage ou
    alternance).") must not get the title rules, hence the sentence-end test.
    """
    return len(text) <= SHORT_TEXT_CHARS and not _SENTENCE_END.search(text)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A vocabulary's rules, indexed by the literals they need (see :func:`find_hits`)."""

    rules: tuple[Rule, ...]
    literals: tuple[str, ...]  # every distinct required literal
    by_literal: dict[str, tuple[int, ...]]  # literal -> positions of the rules needing it
    ungated: tuple[int, ...]  # rules with no literal test: always run

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def candidates(self, folded: str) -> list[Rule]:
        """The rules that may match a text whose :func:`fold` is ``folded``, in order."""
        chosen = set(self.ungated)
        for literal in self.literals:
            if literal in folded:
                chosen.update(self.by_literal[literal])
        return [self.rules[i] for i in sorted(chosen)]


def compile_rules(spec: Mapping[str, Any]) -> RuleSet:
    """Rules from ``{value: {anywhere: [regex...], short: [regex...]}}``."""
    rules: list[Rule] = []
    for value, groups in spec.items():
        for scope in ("anywhere", "short"):
            for regex in (groups or {}).get(scope, None) or ():
                pattern = re.compile(regex, re.IGNORECASE)
                literals = required_literals(pattern)
                rules.append(Rule(str(value), pattern, scope == "short", literals))
    index: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        for literal in rule.literals or ():
            index.setdefault(literal, []).append(position)
    return RuleSet(
        tuple(rules),
        tuple(sorted(index, key=len, reverse=True)),
        {literal: tuple(positions) for literal, positions in index.items()},
        tuple(i for i, rule in enumerate(rules) if rule.literals is None),
    )


def compile_negation(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching a negation word followed by at most two words, at the end of a text."""
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(
        rf"(?:^|[^\w])(?:{alternatives})(?:[ \t\xa0']+[\w']+){{0,2}}[ \t\xa0'(]*$", re.IGNORECASE
    )


def find_hits(
    text: str, rules: RuleSet | Iterable[Rule], negation: re.Pattern[str] | None
) -> list[Hit]:
    """Leftmost-longest non-overlapping hits of ``rules`` in ``text``, in text order."""
    short = is_short(text)
    if isinstance(rules, RuleSet):
        rules = rules.candidates(fold(text))
    found: list[tuple[int, int, str]] = []
    for rule in rules:
        if rule.short_only and not short:
            continue
        for match in rule.pattern.finditer(text):
            if match.end() > match.start():
                found.append((match.start(), match.end(), rule.value))
    found.sort(key=lambda item: (item[0], item[0] - item[1]))
    hits: list[Hit] = []
    cursor = 0
    for start, end, value in found:
        if start < cursor:
            continue
        window = text[max(0, start - _NEGATION_WINDOW) : start]
        negated = bool(negation and negation.search(window))
        hits.append(Hit(value, start, end, negated))
        cursor = end
    return hits
