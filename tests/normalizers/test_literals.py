"""Literal gates of the phrase rules: a rule is skipped only when it cannot match."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.fields.contract import _vocabulary as contract_vocabulary
from normalizers.fields.literals import Gated, fold, required_literals
from normalizers.fields.phrases import Rule, find_hits, prepare
from normalizers.fields.remote import _vocabulary as remote_vocabulary
from normalizers.fields.working_time import _vocabulary as working_time_vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _rules() -> list[Rule]:
    return [
        *contract_vocabulary().rules,
        *working_time_vocabulary().rules,
        *remote_vocabulary().rules,
    ]


def _corpus_texts() -> list[str]:
    texts = []
    for name in ("contract_type", "working_time", "remote"):
        for line in (CORPUS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            texts += [t for t in json.loads(line)["input"].get("texts", []) if isinstance(t, str)]
    return texts


def test_literals_come_from_the_parsed_regex() -> None:
    def literals(regex: str) -> frozenset[str] | None:
        return required_literals(re.compile(regex, re.IGNORECASE))

    assert literals(r"\bt[ée]l[ée]travail (?:partiel|possible)") == {"travail p"}
    assert literals(r"\b(?:full|part)[- ]?time\b") == {"time"}
    assert literals(r"\b(?:Vollzeit|Teilzeit)\b") == {"vollzeit", "teilzeit"}
    assert literals(r"\bCDI\b") == {"cdi"}
    assert literals(r"(?:remote)?\d+") is None  # nothing required
    assert required_literals(re.compile("CDI")) is None  # case-sensitive: no gate


def test_every_vocabulary_rule_has_a_gate() -> None:
    assert all(rule.literals for rule in _rules())


def test_gates_never_hide_a_match_on_the_corpus() -> None:
    rules = _rules()
    for raw in _corpus_texts():
        text = prepare(raw) or ""
        for rule in rules:
            if rule.pattern.search(text):
                assert Gated(rule.pattern, rule.literals).possible(fold(text)), (raw, rule)


WORDS = st.sampled_from(
    ["CDI", "cdd", "Télétravail", "TELETRAVAIL", "full-time", "İnterim", "ſtage", "Vollzeit",
     "remote", "Homeoffice", "35h/semaine", "pas de", "hybrid", "Stage", "a", "-", "100%"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=12))
def test_gated_and_ungated_matching_agree(words: list[str]) -> None:
    text = prepare(" ".join(words)) or "x"
    for vocabulary in (contract_vocabulary(), working_time_vocabulary(), remote_vocabulary()):
        ungated = [Rule(r.value, r.pattern, r.short_only) for r in vocabulary.rules]
        gated = find_hits(text, vocabulary.rules, vocabulary.negation)
        assert gated == find_hits(text, ungated, vocabulary.negation)
