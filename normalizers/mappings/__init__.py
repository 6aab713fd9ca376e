"""One mapping per adapter kind: source-native record -> common-schema posting.

Each module has ``map_record(record, ctx) -> Posting | None`` and may declare
``CONTEXT_DEFAULTS`` (country, language, timezone, currency) used when no catalogue entry
says otherwise. Modules are imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from spiders.parsers import KINDS


def get_mapping(kind: str) -> ModuleType:
    """The mapping module of ``kind`` (its ``map_record`` function does the work)."""
    if kind not in KINDS:
        raise KeyError(f"unknown adapter kind {kind!r}; known: {', '.join(KINDS)}")
    return import_module(f"{__name__}.{kind}")
