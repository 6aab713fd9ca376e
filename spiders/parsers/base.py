"""Shared result types of the per-kind parsers.

A parser is a pure function of a saved response body: it finds the offers in it (as the
source's own dicts, untouched) and what to request next. Scrapy owns the network; the
normalizer mapping of the same kind turns each record into a common-schema posting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class NotOfThisKind(ValueError):
    """The body is not a response of the parser's kind (wrong format, unreadable, error page)."""


@dataclass(slots=True)
class RawRecord:
    """One offer as the source published it: its id, its page URL if known, its native fields."""

    source_offer_id: str
    data: dict[str, Any]
    url: str | None = None
    updated: str | None = None  # the listing's change marker (updated date or hash) if it has one


@dataclass(slots=True)
class FollowUp:
    """A request the spider should make next (next page, detail page, sitemap child)."""

    url: str
    purpose: str  # "page" (next page), "detail", "sitemap", "query" (part of an over-cap query)
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    offer_id: str | None = None  # for detail requests: the offer the detail belongs to
    marker: str | None = None  # the listing's change marker for the target (sitemap lastmod)


@dataclass(slots=True)
class ParseResult:
    """What one response body holds: offers, follow-ups, the advertised total, item errors."""

    records: list[RawRecord] = field(default_factory=list)
    follow: list[FollowUp] = field(default_factory=list)
    total: int | None = None
    errors: list[str] = field(default_factory=list)  # one message per item that could not be read
