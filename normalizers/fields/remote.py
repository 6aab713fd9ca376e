"""Remote, hybrid or on-site, from a structured flag and from the texts of an offer.

Flags come as booleans (SmartRecruiters ``location.remote``, Ashby ``isRemote``, Arbeitnow
``remote``) or enumerations (Lever ``workplaceType``, schema.org ``jobLocationType``); texts
are location strings ("Remote - Europe"), titles and descriptions ("télétravail partiel
2j/semaine", "Homeoffice möglich", "pas de télétravail"). Phrases and decisions live in
``data/vocab/remote.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from aggregator.schema import Remote
from normalizers.fields.phrases import (
    RuleSet,
    code_key,
    compile_negation,
    compile_rules,
    find_hits,
    prepare,
)
from normalizers.vocab import load_vocab

_REMOTE_FULL = "remote_full"
_HYBRID_WEAK = "hybrid_weak"


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    flags: dict[str, Remote | bool | None]
    rules: RuleSet
    negation: re.Pattern[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = load_vocab("remote")
    flags: dict[str, Remote | bool | None] = {}
    for key, value in data["flags"].items():
        flags[code_key(str(key))] = (
            value if value is None or isinstance(value, bool) else Remote(value)
        )
    return _Vocabulary(flags, compile_rules(data["phrases"]), compile_negation(data["negations"]))


def _from_text(text: str, vocab: _Vocabulary) -> tuple[Remote | None, bool]:
    """What one text says, and whether it says it firmly (weak: a bare "télétravail").

    A mix of remote and on-site phrases is read as hybrid.
    """
    said: set[str] = set()
    for hit in find_hits(text, vocab.rules, vocab.negation):
        if hit.negated:
            if hit.value != Remote.ONSITE.value:
                said.add(Remote.ONSITE.value)
        else:
            said.add(hit.value)
    if _REMOTE_FULL in said:
        return Remote.REMOTE, True
    if Remote.HYBRID.value in said:
        return Remote.HYBRID, True
    if Remote.REMOTE.value in said:
        return (Remote.HYBRID if Remote.ONSITE.value in said else Remote.REMOTE), True
    if _HYBRID_WEAK in said:
        return Remote.HYBRID, False
    if Remote.ONSITE.value in said:
        return Remote.ONSITE, True
    return None, False


def _flag_value(flag: object, vocab: _Vocabulary) -> Remote | bool | str | None:
    """A flag as a Remote value, True/False, None (silent), or text to read like the others."""
    if flag is None or isinstance(flag, bool):
        return flag
    if isinstance(flag, int | float):
        return bool(flag)
    text = prepare(flag)
    if text is None:
        return None
    key = code_key(text)
    return vocab.flags.get(key, text)


def parse_remote(*texts: str | None, flag: bool | str | None = None) -> Remote | None:
    """Where the work is done: ``flag`` first, then the first text that tells (never raises)."""
    try:
        vocab = _vocabulary()
    except Exception:  # a broken vocabulary file must not stop a crawl
        return None
    value = _flag_value(flag, vocab)
    if isinstance(value, Remote):
        return value
    candidates = [value, *texts] if isinstance(value, str) else list(texts)
    for raw in candidates:
        text = prepare(raw)
        if text is None:
            continue
        found, firm = _from_text(text, vocab)
        if found is not None:
            if value is True and not (found is Remote.HYBRID and firm):
                return Remote.REMOTE
            return found
    return Remote.REMOTE if value is True else None


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Labelled-corpus adapter: ``{"texts": [...], "flag": ...}`` -> ``{"remote": value}``."""
    value = parse_remote(*input.get("texts", []), flag=input.get("flag"))
    return {"remote": value.value if value is not None else None}
