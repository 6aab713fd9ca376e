"""Anchored rule tries (only just before an anchor literal) find exactly what a full scan finds."""

from __future__ import annotations

import random

import pytest

from normalizers.fields import contract, remote, working_time
from normalizers.fields.literals import anchor_of
from normalizers.fields.phrases import ANCHORED_TEXT_CHARS, Rule, find_hits, prepare

FRAGMENTS = [
    "télétravail", " ", "Télétravail 2 jours par semaine", "full remote", "on-site", "poste ",
    "travail", " en présentiel", "in office", "stage", "CDI", "İ", "ı", "ſ", "100 %", "100%",
    "home office", "Homeoffice möglich", "pas de ", "\n", "temps partiel", "full-time",
    "work ", "from anywhere", "position is ", "fully remote", "freelance", "alternance",
    "Teilzeit", "the role is remote", "Contract: Permanent", "Contrat : CDD - ", "x" * 40,
]  # fmt: skip


@pytest.mark.parametrize("module", [remote, contract, working_time])
def test_anchored_hits_equal_full_scan_hits(module: object) -> None:
    vocabulary = module._vocabulary()  # type: ignore[attr-defined]
    plain = [Rule(r.value, r.pattern, r.short_only) for r in vocabulary.rules]
    rng = random.Random(11)
    for _ in range(400):
        text = prepare("".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(10, 90))))
        assert text is not None
        expected = find_hits(text, plain, vocabulary.negation)
        assert find_hits(text, vocabulary.rules, vocabulary.negation) == expected, text


def test_anchor_reach_covers_the_head_of_the_pattern() -> None:
    import re

    anchor = anchor_of(re.compile(r"\bt[ée]l[ée]travail\s*partiel", re.IGNORECASE))
    assert anchor is not None and anchor.literals == {"travail"} and anchor.reach == 4
    # Nothing literal before an unbounded repeat: no anchor, the rule scans the text.
    assert anchor_of(re.compile(r"\b\d+\s*jours de t[ée]l[ée]travail", re.IGNORECASE)) is None
    assert ANCHORED_TEXT_CHARS < 1000
