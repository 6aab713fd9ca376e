"""The common offer schema: the public contract every stage and every user relies on.

A :class:`Posting` is one offer as one source published it, already normalized.
A :class:`ConsolidatedOffer` is what dedupe makes of one or more postings of the same vacancy.
Field names are fixed (see ``docs/schema.md``); adding a field is a schema version bump.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1


class Remote(StrEnum):
    """Where the work is done."""

    ONSITE = "onsite"
    HYBRID = "hybrid"
    REMOTE = "remote"


class ContractType(StrEnum):
    """Contract families (CDI, CDD, intérim, indépendant, stage, alternance)."""

    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    TEMPORARY = "temporary"
    FREELANCE = "freelance"
    INTERNSHIP = "internship"
    APPRENTICESHIP = "apprenticeship"


class WorkingTime(StrEnum):
    """Full or part time."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class SalaryPeriod(StrEnum):
    """The period a salary amount is paid for."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class OfferStatus(StrEnum):
    """A consolidated offer is open while any of its postings is open."""

    OPEN = "open"
    CLOSED = "closed"


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("date-time must carry a time zone (ISO 8601 with offset or Z)")
    return value.astimezone(UTC)


NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
UtcDateTime = Annotated[datetime, AfterValidator(_utc)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]  # checked in pydantic-core
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=4096)]


class Posting(BaseModel):
    """One offer as one source published it, normalized to the common schema."""

    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False)

    source: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
    source_offer_id: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    url: HttpUrl
    apply_url: HttpUrl | None = None
    title: NonEmptyStr
    company: str | None = None
    description: str = ""
    description_html: str | None = None
    location_raw: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: CountryCode | None = None
    latitude: Annotated[FiniteFloat, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[FiniteFloat, Field(ge=-180, le=180)] | None = None
    remote: Remote | None = None
    contract_type: ContractType | None = None
    working_time: WorkingTime | None = None
    salary_min: Annotated[FiniteFloat, Field(ge=0)] | None = None
    salary_max: Annotated[FiniteFloat, Field(ge=0)] | None = None
    salary_currency: CurrencyCode | None = None
    salary_period: SalaryPeriod | None = None
    salary_raw: str | None = None
    posted_at: UtcDateTime | None = None
    valid_through: UtcDateTime | None = None
    language: LanguageCode | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        """NUL cannot be stored by PostgreSQL and never belongs in offer text."""
        if isinstance(data, dict):
            for name, value in data.items():
                if isinstance(value, str) and "\x00" in value:
                    raise ValueError(f"field {name!r} contains a NUL character")
        return data

    @field_validator("source_offer_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        """Sources publish ids as numbers or strings; the schema keeps text."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @model_validator(mode="after")
    def _salary_consistent(self) -> Posting:
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            raise ValueError("salary_min is greater than salary_max")
        return self

    def to_record(self) -> dict[str, Any]:
        """The posting as plain JSON-ready values (enums as strings, dates as ISO 8601)."""
        return self.model_dump(mode="json")


POSTING_FIELDS: tuple[str, ...] = tuple(Posting.model_fields)
REQUIRED_POSTING_FIELDS: tuple[str, ...] = tuple(
    name for name, field in Posting.model_fields.items() if field.is_required()
)


class PostingRef(BaseModel):
    """Provenance of a consolidated offer: one source posting behind it."""

    source: str
    source_offer_id: str
    url: str
    posted_at: UtcDateTime | None = None


class ConsolidatedOffer(Posting):
    """A vacancy after dedupe: the best fields of its postings, plus lifecycle and provenance."""

    offer_id: str
    status: OfferStatus
    first_seen_at: UtcDateTime
    last_seen_at: UtcDateTime
    closed_at: UtcDateTime | None = None
    postings: list[PostingRef]


OFFER_FIELDS: tuple[str, ...] = tuple(ConsolidatedOffer.model_fields)
