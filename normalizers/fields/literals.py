"""Required literals of a vocabulary regex: a cheap test that tells when it cannot match.

Running every phrase rule over a 5 KB description costs milliseconds, and almost all of them
find nothing. Any match of ``\\bt[ée]l[ée]travail (?:partiel|possible)`` contains
"travail"; a substring test on the lower-cased text (``in`` is a C loop) rules the regex out
in microseconds. The literals come from the parsed regex itself, so the YAML vocabularies stay
the single source and the answer is exact: a rule is skipped only when it cannot match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

try:  # the regex parser is internal to ``re``; without it every rule simply runs
    _c: Any = import_module("re._constants")
    _p: Any = import_module("re._parser")
except ImportError:  # pragma: no cover - Python < 3.11
    _p = None

MIN_LITERAL = 2
# re.IGNORECASE also equates these with plain letters; lower() alone would not.
_CASE_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "ﬅ": "ﬆ"})

Choice = frozenset[str]


_FOLDED_APART = re.compile("[İıſﬅ]")  # the keys of _CASE_FOLD


def fold(text: str) -> str:
    """The text a literal is looked for in: lower-cased as ``re.IGNORECASE`` compares.

    ``str.translate`` walks non-ASCII text in Python-level steps; a search for the four
    characters it changes is a C scan, and almost no text holds one.
    """
    if text.isascii() or not _FOLDED_APART.search(text):
        return text.lower()
    return text.translate(_CASE_FOLD).lower()


def _better(best: Choice | None, other: Choice | None) -> Choice | None:
    """The more selective of two requirements: longest shortest literal, then fewest."""
    if not other:
        return best
    if best is None:
        return other
    key = (min(map(len, other)), -len(other))
    return other if key > (min(map(len, best)), -len(best)) else best


def _required(items: Iterable[tuple[Any, Any]]) -> Choice | None:
    """Literals one of which every match of the parsed sequence ``items`` contains."""
    best: Choice | None = None
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            best = _better(best, frozenset({fold("".join(run))}))
            run = []
        if op is _c.SUBPATTERN:
            best = _better(best, _required(arg[-1]))
        elif op is _c.ATOMIC_GROUP:
            best = _better(best, _required(arg))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            best = _better(best, _required(arg[2]))
        elif op is _c.BRANCH:
            alternatives = [_required(branch) for branch in arg[1]]
            if all(alternatives):
                best = _better(best, frozenset().union(*alternatives))  # type: ignore[arg-type]
    return best


def required_literals(pattern: re.Pattern[str]) -> Choice | None:
    """Lower-cased literals one of which any match contains (None: no useful test)."""
    if _p is None or not pattern.flags & re.IGNORECASE:
        return None
    try:
        found = _required(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unexpected parse tree only costs the optimization
        return None
    return found if found and min(map(len, found)) >= MIN_LITERAL else None


@dataclass(frozen=True, slots=True)
class Anchor:
    """Literals one of which every match holds, starting at most ``reach`` after the match."""

    literals: Choice
    reach: int


def _width(parsed: Any, items: list[tuple[Any, Any]]) -> int | None:
    """Longest match of ``items`` (lookarounds count as nothing), None when unbounded."""
    high = int(_p.SubPattern(parsed.state, items).getwidth()[1])
    return None if high >= _c.MAXREPEAT - 1 else high


def _anchor(parsed: Any) -> Anchor | None:
    """The literal requirement of the bounded head of a parsed pattern, closest to its start."""
    found: list[Anchor] = []
    offset = 0
    items = list(parsed)
    index = 0
    while index < len(items):
        op, arg = items[index]
        if op is _c.LITERAL:
            end = index
            while end < len(items) and items[end][0] is _c.LITERAL:
                end += 1
            run = fold("".join(chr(code) for _, code in items[index:end]))
            if len(run) >= MIN_LITERAL:
                found.append(Anchor(frozenset({run}), offset))
            offset += end - index
            index = end
            continue
        width = _width(parsed, [(op, arg)])
        if width is None:
            break
        literals = _required([(op, arg)])
        if literals and min(map(len, literals)) >= MIN_LITERAL:
            found.append(Anchor(literals, offset + width - min(map(len, literals))))
        offset += width
        index += 1
    return min(found, key=_expected_tries) if found else None


def _expected_tries(anchor: Anchor) -> float:
    """Rough count of tries per character: a literal one letter longer is ~20 times rarer."""
    return (anchor.reach + 1) * sum(0.05 ** (len(literal) - 1) for literal in anchor.literals)


def anchor_of(pattern: re.Pattern[str]) -> Anchor | None:
    """Where a case-insensitive pattern's matches can start, told by its literals.

    Every match holds one of ``literals`` at most ``reach`` characters after its start, so in
    a long text the pattern needs trying only just before each occurrence of one of them,
    not at every position (see :func:`normalizers.fields.phrases.find_hits`).
    """
    if _p is None or not pattern.flags & re.IGNORECASE:
        return None
    try:
        return _anchor(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unexpected parse tree only costs the optimization
        return None


@dataclass(frozen=True, slots=True)
class Gated:
    """A case-insensitive pattern with the literals that must be present for it to match."""

    pattern: re.Pattern[str]
    literals: Choice | None

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gated:
        """``pattern`` with its required literals computed once."""
        return cls(pattern, required_literals(pattern))

    def possible(self, folded: str) -> bool:
        """Whether the pattern may match a text whose :func:`fold` is ``folded``."""
        return self.literals is None or any(literal in folded for literal in self.literals)
