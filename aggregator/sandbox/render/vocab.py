"""Wire vocabularies of the emulated formats, loaded once from ``data/sandbox/wire_vocab.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def _vocab() -> dict[str, Any]:
    text = (resources.files("data") / "sandbox" / "wire_vocab.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def word(table: str, kind: str, value: str | None, language: str | None = None) -> str | None:
    """How format ``kind`` writes schema ``value`` of ``table`` (None when it has no word)."""
    if value is None:
        return None
    entry: dict[str, Any] = _vocab()[table].get(kind, {})
    if language is not None and language in entry:
        entry = entry[language]
    elif language is not None and "en" in entry and isinstance(entry["en"], dict):
        entry = entry["en"]
    found = entry.get(value)
    return str(found) if found is not None else None
