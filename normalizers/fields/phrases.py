"""Phrase matching shared by the vocabulary-driven field normalizers (contract, time, remote).

Rules are regular expressions kept in ``data/vocab/*.yaml``. A text is searched for all rules at
once and the leftmost-longest, non-overlapping hits are kept, each flagged when a negation
("pas de CDD", "no remote", "kein Homeoffice") stands just before it. Rules marked *short*
only apply to short texts (structured fields and titles), where a bare word such as "Stage" or
"Remote" is a reliable signal; in a long description the same word is too often incidental.

Speed: a rule only runs when the literals it needs are in the text (see
:mod:`normalizers.fields.literals`), so a long description costs one lower-casing and a few
substring tests instead of a full scan per rule. In a long text, a rule that runs is only
tried just before the occurrences of its anchor literal (see :func:`_spans`), not at every
position: the same matches, found without walking the whole text once per rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from normalizers.fields.literals import Anchor, anchor_of, fold, required_literals

SHORT_TEXT_CHARS = 160
ANCHORED_TEXT_CHARS = 200  # below this, one scan per rule is cheaper than anchored tries
_MAX_TRIES = 96  # more start positions than this: a scan is cheaper
_NEGATION_WINDOW = 40
_PUNCTUATION_PAIRS = tuple((odd, "-") for odd in "‐‑‒–—―−") + tuple((odd, "'") for odd in "’‘`´ʼ")
_ODD_PUNCTUATION = re.compile("[‐‑‒–—―−’‘`´ʼ]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SENTENCE_END = re.compile(r"(?<![A-Z])[a-zß-öø-ÿ]{3,}[.!?;](?:\s|$)")


@dataclass(frozen=True, slots=True)
class Rule:
    """One phrase pattern and the value it signals."""

    value: str
    pattern: re.Pattern[str]
    short_only: bool
    literals: frozenset[str] | None = None  # one of them is in every match (None: no test)
    anchor: Anchor | None = None  # where matches can start (None: scan the whole text)


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
        # str.replace per character: str.translate steps through non-ASCII text slowly.
        for odd, plain in _PUNCTUATION_PAIRS:
            text = text.replace(odd, plain)
    return text if text.strip() else None


def code_key(text: str) -> str:
    """Key of a structured code: ``FULL_TIME``, ``FullTime``, ``full-time`` -> ``full time``."""
    spaced = _CAMEL.sub(" ", text.strip()).replace("_", " ").replace("-", " ")
    return " ".join(spaced.split()).lower()  # split() cuts at the white space ``\s`` matches


def whole_code(text: str, codes: Mapping[str, object], longest: int) -> str | None:
    """``code_key(text)`` when it is one of ``codes`` (keys at most ``longest`` long), else None.

    A key keeps every character of the text but separators, so a description with more
    than ``longest`` other characters is no code: that is counted without any regex.
    """
    kept = len("".join(text.replace("_", "").replace("-", "").split()))
    if kept > longest:
        return None
    key = code_key(text)
    return key if key in codes else None


def listed_codes(
    text: str, codes: Mapping[str, object], separators: re.Pattern[str]
) -> list[str] | None:
    """The keys of a list of two or more codes ("CDI, CDD"), else None.

    The pieces are those of ``separators.split(text)``, read in order until one is no code,
    so a description costs one piece, not a key per comma.
    """
    keys: list[str] = []
    start = 0
    ends: Iterable[re.Match[str] | None] = chain(separators.finditer(text), [None])
    for separator in ends:
        piece = text[start : separator.start() if separator else len(text)]
        if piece.strip():
            key = code_key(piece)
            if key not in codes:
                return None
            keys.append(key)
        if separator is not None:
            start = separator.end()
    return keys if len(keys) > 1 else None


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
    literals: tuple[str, ...]  # every distinct required literal, shortest first
    by_literal: dict[str, tuple[int, ...]]  # literal -> positions of the rules needing it
    ungated: tuple[int, ...]  # rules with no literal test: always run
    # For each literal, the longest shorter one inside it ("sur site" holds "site"): when
    # that one is absent, so is this one, and its substring test is skipped.
    inner: tuple[str | None, ...] = ()

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def candidates(self, folded: str) -> list[Rule]:
        """The rules that may match a text whose :func:`fold` is ``folded``, in order."""
        chosen = set(self.ungated)
        present: set[str] = set()
        for literal, inner in zip(self.literals, self.inner, strict=True):
            if (inner is None or inner in present) and literal in folded:
                present.add(literal)
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
                anchor = anchor_of(pattern)
                rules.append(Rule(str(value), pattern, scope == "short", literals, anchor))
    index: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        for literal in rule.literals or ():
            index.setdefault(literal, []).append(position)
    ordered = tuple(sorted(index, key=len))
    inner = tuple(
        max((other for other in ordered[:i] if other in literal), key=len, default=None)
        for i, literal in enumerate(ordered)
    )
    return RuleSet(
        tuple(rules),
        ordered,
        {literal: tuple(positions) for literal, positions in index.items()},
        tuple(i for i, rule in enumerate(rules) if rule.literals is None),
        inner,
    )


def compile_negation(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching a negation word followed by at most two words, at the end of a text."""
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(
        rf"(?:^|[^\w])(?:{alternatives})(?:[ \t\xa0']+[\w']+){{0,2}}[ \t\xa0'(]*$", re.IGNORECASE
    )


def _starts(folded: str, anchor: Anchor) -> list[int] | None:
    """Every position a match can start at, in order (None when a scan is cheaper)."""
    starts: set[int] = set()
    for literal in anchor.literals:
        found = folded.find(literal)
        while found >= 0:
            starts.update(range(max(0, found - anchor.reach), found + 1))
            if len(starts) > _MAX_TRIES:
                return None
            found = folded.find(literal, found + 1)
    return sorted(starts)


def _spans(rule: Rule, text: str, folded: str | None) -> Iterator[tuple[int, int]]:
    """(start, end) of the non-empty matches ``finditer`` gives, tried only where they can be.

    ``match`` at a position sees the text before it (``\\b``, look-behinds), exactly as
    ``finditer``'s own try there does, so the matches are the same.
    """
    starts = None
    if rule.anchor is not None and folded is not None and len(text) >= ANCHORED_TEXT_CHARS:
        starts = _starts(folded, rule.anchor)
    if starts is None:
        for match in rule.pattern.finditer(text):
            if match.end() > match.start():
                yield match.start(), match.end()
        return
    cursor = 0
    for start in starts:
        if start < cursor:
            continue
        tried = rule.pattern.match(text, start)
        if tried is not None and tried.end() > start:
            yield start, tried.end()
            cursor = tried.end()


def find_hits(
    text: str, rules: RuleSet | Iterable[Rule], negation: re.Pattern[str] | None
) -> list[Hit]:
    """Leftmost-longest non-overlapping hits of ``rules`` in ``text``, in text order."""
    short = is_short(text)
    folded = None
    if isinstance(rules, RuleSet):
        folded = fold(text)
        rules = rules.candidates(folded)
    found: list[tuple[int, int, str]] = []
    for rule in rules:
        if rule.short_only and not short:
            continue
        found.extend((start, end, rule.value) for start, end in _spans(rule, text, folded))
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
