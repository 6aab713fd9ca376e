"""Pure extraction: response bytes in, source-native records out (no Scrapy needed).

One module per adapter kind, each with ``parse(body, *, url, headers=None) -> ParseResult``.
Modules are imported on first use, so one kind's import error never breaks the others.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

KINDS: tuple[str, ...] = (
    # ATS career-site APIs
    "greenhouse",
    "lever",
    "workable",
    "smartrecruiters",
    "recruitee",
    "ashby",
    "personio",
    "workday",
    # national and aggregator APIs
    "francetravail",
    "adzuna",
    # job boards, feeds and generic shapes
    "remoteok",
    "remotive",
    "jobicy",
    "himalayas",
    "arbeitnow",
    "feed",
    "xmlfeed",
    "jsonld",
    "jsonapi",
)


def get_parser(kind: str) -> ModuleType:
    """The parser module of ``kind`` (its ``parse`` function does the work)."""
    if kind not in KINDS:
        raise KeyError(f"unknown adapter kind {kind!r}; known: {', '.join(KINDS)}")
    return import_module(f"{__name__}.{kind}")


@cache
def _takes_options(kind: str) -> bool:
    return "options" in inspect.signature(get_parser(kind).parse).parameters


def parse_body(
    kind: str,
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Any:
    """Run the kind's parser; the source's catalogue ``options`` go to the parsers that read
    them (xmlfeed, jsonld, jsonapi). Returns a :class:`~spiders.parsers.base.ParseResult`."""
    extra = {"options": dict(options or {})} if _takes_options(kind) else {}
    return get_parser(kind).parse(body, url=url, headers=headers, **extra)
