"""Response models: what the OpenAPI document promises and schemathesis checks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from aggregator.schema import ContractType, OfferStatus, Remote, SalaryPeriod, WorkingTime


class OfferSummary(BaseModel):
    """One offer in a result page: enough to show a result card, description as a snippet."""

    offer_id: str
    title: str
    company: str | None
    snippet: str = Field(description="Plain-text start of the description.")
    url: str
    source: str
    city: str | None
    postal_code: str | None
    region: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    remote: Remote | None
    contract_type: ContractType | None
    working_time: WorkingTime | None
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_period: SalaryPeriod | None
    salary_year_min: float | None = Field(description="Annualized lower amount.")
    salary_year_max: float | None = Field(description="Annualized upper amount.")
    posted_at: datetime | None
    listed_at: datetime | None = Field(description="posted_at, else when first seen.")
    status: OfferStatus
    score: float | None = Field(None, description="Relevance (higher is better) when q is set.")
    distance_km: float | None = Field(None, description="From the radius search's centre.")


class Total(BaseModel):
    """How many offers match: exact up to a threshold, else a lower bound."""

    value: int = Field(ge=0)
    relation: str = Field(description='"eq" (exact) or "gte" (at least value).')


class OfferPage(BaseModel):
    """A page of results and the cursor of the next one (null on the last page)."""

    total: Total
    items: list[OfferSummary]
    next_cursor: str | None
    sort: str


class PostingOut(BaseModel):
    """One source posting behind a consolidated offer (provenance)."""

    source: str
    source_offer_id: str
    url: str
    apply_url: str | None
    posted_at: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None
    rule: str = Field(description="founder, or the dedupe rule that linked it.")
    score: float | None


class OfferDetail(BaseModel):
    """A consolidated offer with every field and its postings."""

    offer_id: str
    status: OfferStatus
    title: str
    company: str | None
    description: str = Field(description="Plain text.")
    description_html: str | None = Field(description="Sanitized HTML (safe allowlist).")
    url: str
    apply_url: str | None
    source: str
    source_offer_id: str
    location_raw: str | None
    city: str | None
    postal_code: str | None
    region: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    remote: Remote | None
    contract_type: ContractType | None
    working_time: WorkingTime | None
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_period: SalaryPeriod | None
    salary_raw: str | None
    salary_year_min: float | None
    salary_year_max: float | None
    posted_at: datetime | None
    valid_through: datetime | None
    language: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None
    postings: list[PostingOut]


class FacetValue(BaseModel):
    """One value of a facet and how many offers have it (null: not known)."""

    value: str | None
    count: int = Field(ge=0)


class Facets(BaseModel):
    """Counts per value for the same query and filters as ``GET /offers``."""

    total: int = Field(ge=0)
    relation: str = Field(
        "eq",
        description='"eq": exact counts; "gte": more offers match than are counted, total and '
        "counts are lower bounds taken over 10,000 of the matches.",
    )
    contract_type: list[FacetValue]
    working_time: list[FacetValue]
    remote: list[FacetValue]
    region: list[FacetValue]
    source: list[FacetValue]
    salary_band: list[FacetValue]


class SourceOut(BaseModel):
    """A source and its health, from its crawl runs."""

    key: str
    name: str
    kind: str | None
    enabled: bool
    external: bool
    open_offers: int = Field(ge=0)
    health: str = Field(description="ok, degraded (last run partial), failing, or unknown.")
    last_run_status: str | None
    last_run_at: datetime | None
    last_success_at: datetime | None


class Health(BaseModel):
    """Liveness and the store's reachability."""

    status: str
    database: str
    schema_revision: str | None


class ErrorOut(BaseModel):
    """Every error: a stable code and a message for humans."""

    error: str
    message: str
    details: list[dict[str, str]] | None = None
