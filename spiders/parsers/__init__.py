"""Pure extraction: response bytes in, source-native records out (no Scrapy needed).

One module per adapter kind, each with ``parse(body, *, url, headers=None) -> ParseResult``.
Modules are imported on first use, so one kind's import error never breaks the others.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

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
