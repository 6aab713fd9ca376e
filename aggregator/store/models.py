"""The store's tables, as SQLAlchemy 2 typed models.

Land raw, merge normalized: raw payloads are appended, postings are upserted on their
natural key ``(source, source_offer_id)`` with a content hash, and consolidated offers are
merged from postings (``offer_postings`` is the provenance).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from aggregator.store.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class OfferFields:
    """The common schema's fields, shared by postings and consolidated offers."""

    url: Mapped[str] = mapped_column(Text)
    apply_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str | None] = mapped_column(Text)
    location_raw: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    remote: Mapped[str | None] = mapped_column(String(16))
    contract_type: Mapped[str | None] = mapped_column(String(32))
    working_time: Mapped[str | None] = mapped_column(String(16))
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_period: Mapped[str | None] = mapped_column(String(8))
    salary_raw: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None]
    valid_through: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(2))


class Source(Base):
    """A source: from the catalogue, or registered as external when a partner file names it."""

    __tablename__ = "sources"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class CrawlRun(Base):
    """One fetch of one source (or one file load): what happened and how it ended."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(ForeignKey("sources.key"), index=True)
    trigger: Mapped[str] = mapped_column(String(32), default="crawl")  # crawl, load, renormalize
    status: Mapped[str] = mapped_column(String(16))  # running, ok, partial, failed, interrupted
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    requests: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    parse_errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any] | None]  # responses by status, error samples, field problems


class RawPayload(Base):
    """A response body as fetched (compressed), so postings can be rebuilt without re-crawling."""

    __tablename__ = "raw_payloads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(ForeignKey("sources.key"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str] = mapped_column(String(16), default="zlib")
    body: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class PostingRow(OfferFields, Base):
    """A normalized posting, unique per source and source offer id."""

    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("source", "source_offer_id"),
        Index("ix_postings_closed_at", "closed_at"),  # dedupe's sweep of recent closes
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(ForeignKey("sources.key"))
    source_offer_id: Mapped[str] = mapped_column(String(512))
    content_hash: Mapped[str] = mapped_column(String(32))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    changed_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    raw_payload_id: Mapped[int | None] = mapped_column(ForeignKey("raw_payloads.id"))
    listing_marker: Mapped[str | None] = mapped_column(String(200))  # listing's updated date/hash


class FetchState(Base):
    """What the last fetch of a URL returned, for conditional GET (ETag / Last-Modified)."""

    __tablename__ = "fetch_state"

    source: Mapped[str] = mapped_column(ForeignKey("sources.key"), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    raw_payload_id: Mapped[int | None] = mapped_column(ForeignKey("raw_payloads.id"))
    fetched_at: Mapped[datetime]


class OfferRow(OfferFields, Base):
    """A consolidated offer: one vacancy, its best fields, its lifecycle."""

    __tablename__ = "offers"

    offer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))  # source of the posting the fields came from
    source_offer_id: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(8), index=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    # Search columns, derived at write time (aggregator.store.search_index.search_columns).
    salary_year_min: Mapped[float | None] = mapped_column(Float)
    salary_year_max: Mapped[float | None] = mapped_column(Float)
    listed_at: Mapped[datetime | None]
    search_title: Mapped[str | None] = mapped_column(Text)
    search_body: Mapped[str | None] = mapped_column(Text)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index, ...]:
        return (
            Index("ix_offers_posted_at", "posted_at"),
            Index("ix_offers_country_postal_code", "country", "postal_code"),
        )


class OfferPosting(Base):
    """Provenance: which posting belongs to which consolidated offer, and why."""

    __tablename__ = "offer_postings"

    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True
    )
    offer_id: Mapped[str] = mapped_column(
        ForeignKey("offers.offer_id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(64))  # founder, or the dedupe rule that matched
    score: Mapped[float | None] = mapped_column(Float)
    linked_at: Mapped[datetime]


def table_of(model: type[Base]) -> Table:
    """A model's Core table, typed as such (``__table__`` is typed as a plain FromClause)."""
    return cast(Table, model.__table__)
