"""Contract type (CDI, CDD, intérim, freelance, stage, alternance) from codes and phrases.

Sources say it three ways: a structured code (France Travail ``typeContrat``, schema.org
``employmentType``, Ashby/Himalayas/Remotive/Personio enums), a label ("Intérim - 2 Mois",
"Regular Full Time (Salary)"), or only in the title or description ("Stage - Assistant RH",
"CDD 6 mois"). Texts are passed most specific first; the first one that tells wins. The
vocabulary and the mapping decisions are in ``data/vocab/contract_types.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from aggregator.schema import ContractType
from normalizers.fields.phrases import (
    RuleSet,
    compile_negation,
    compile_rules,
    find_hits,
    listed_codes,
    prepare,
    whole_code,
)
from normalizers.vocab import load_vocab

_LIST_SEPARATORS = re.compile(r"\s*[,;|/]\s*")
_UNKNOWN = object()


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    codes: dict[str, ContractType | None]
    rules: RuleSet
    negation: re.Pattern[str]
    longest_code: int


@cache
def _vocabulary() -> _Vocabulary:
    data = load_vocab("contract_types")
    codes = {
        str(key): (ContractType(value) if value is not None else None)
        for key, value in data["codes"].items()
    }
    return _Vocabulary(
        codes,
        compile_rules(data["phrases"]),
        compile_negation(data["negations"]),
        max(map(len, codes), default=0),
    )


def _from_codes(text: str, vocab: _Vocabulary) -> ContractType | object | None:
    """The value of a whole-field code or a list of codes; ``_UNKNOWN`` when it is not one."""
    key = whole_code(text, vocab.codes, vocab.longest_code)
    if key is not None:
        return vocab.codes[key]
    parts = listed_codes(text, vocab.codes, _LIST_SEPARATORS)
    if parts is not None:
        return next((vocab.codes[p] for p in parts if vocab.codes[p] is not None), None)
    return _UNKNOWN


def _from_text(text: str, vocab: _Vocabulary) -> ContractType | None:
    """The first non-negated contract phrase in the text."""
    for hit in find_hits(text, vocab.rules, vocab.negation):
        if not hit.negated:
            return ContractType(hit.value)
    return None


def parse_contract_type(*texts: str | None) -> ContractType | None:
    """The contract type told by the first of ``texts`` that tells one (never raises)."""
    try:
        vocab = _vocabulary()
    except Exception:  # a broken vocabulary file must not stop a crawl
        return None
    for raw in texts:
        text = prepare(raw)
        if text is None:
            continue
        coded = _from_codes(text, vocab)
        if coded is not _UNKNOWN:
            if coded is not None:
                return coded  # type: ignore[return-value]
            continue
        found = _from_text(text, vocab)
        if found is not None:
            return found
    return None


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Labelled-corpus adapter: ``{"texts": [...]}`` -> ``{"contract_type": value or None}``."""
    value = parse_contract_type(*input.get("texts", []))
    return {"contract_type": value.value if value is not None else None}
