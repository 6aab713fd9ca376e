"""Neutral records shared by the sandbox market (what exists) and its renderers (how it looks).

The market decides which vacancies exist and how each board's copy of a vacancy is worded;
renderers only turn a board's list of :class:`BoardPosting` into that board's wire format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class BoardSpec:
    """One emulated job board: its key, its display name and its real format (adapter kind)."""

    key: str  # catalogue source key, e.g. "gh-maison-lumen"
    name: str  # display name
    kind: str  # adapter kind: greenhouse, lever, ..., jsonld, jsonapi
    token: str  # board token / company slug / account used in the real URL scheme
    language: str  # main language of its offers: fr, en, de
    country: str  # ISO 3166-1 alpha-2 the board mostly covers
    page_size: int = 50  # for paginated kinds
    options: dict[str, str] = field(default_factory=dict)  # kind-specific variations


@dataclass(frozen=True, slots=True)
class BoardPosting:
    """One board's copy of one vacancy, as that board words it (before wire formatting)."""

    board: str  # BoardSpec.key
    source_offer_id: str  # the id this board gives the offer
    vacancy_id: str  # ground truth: the real vacancy behind the copy
    title: str  # as this board publishes it (gender markers, rewording...)
    company: str  # as this board writes it (suffixes, abbreviations...)
    description_html: str
    location_text: str  # location as this board writes it ("Paris 15e", "75015 Paris"...)
    city: str | None
    postal_code: str | None
    region: str | None
    country: str  # ISO 3166-1 alpha-2
    latitude: float | None
    longitude: float | None
    contract_type: str | None  # aggregator.schema.ContractType value
    working_time: str | None  # aggregator.schema.WorkingTime value
    remote: str | None  # aggregator.schema.Remote value
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_period: str | None  # aggregator.schema.SalaryPeriod value
    salary_text: str | None  # salary as written for text-only formats ("35 000 € brut annuel")
    posted_at: datetime  # aware, UTC
    updated_at: datetime  # aware, UTC; changes when the copy is edited
    valid_through: datetime | None
    language: str  # ISO 639-1
    apply_url: str | None = None
    hours_per_week: float | None = None


@dataclass(frozen=True, slots=True)
class TruthRow:
    """Ground truth: which vacancy a board posting belongs to."""

    board: str
    source_offer_id: str
    vacancy_id: str
