"""What every mapping receives besides the record: who the source is and where problems go."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class SourceContext:
    """The source a record came from, with the defaults its text should be read with.

    ``problems`` is a :class:`normalizers.problems.ProblemLog` (typed loosely here to keep
    this module free of imports); ``now`` anchors relative dates ("il y a 3 jours").
    """

    source: str
    kind: str
    country: str | None = None  # ISO 3166-1 alpha-2 the source mostly covers
    language: str | None = None  # ISO 639-1 default language of its offers
    timezone: str = "UTC"  # how zone-less dates of this source are read
    currency: str | None = None  # default currency of salaries without a symbol
    base_url: str | None = None  # to make relative URLs absolute
    now: datetime | None = None
    problems: Any = None
    options: dict[str, Any] = field(default_factory=dict)  # per-source overrides from the catalogue
