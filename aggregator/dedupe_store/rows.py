"""Posting rows as dedupe records: the one place the store's columns meet :class:`DedupeRecord`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, literal_column, select

from aggregator.schema import ContractType, SalaryPeriod, WorkingTime
from aggregator.store.models import PostingRow
from dedupe.records import DedupeRecord

postings = PostingRow.__table__
CHUNK = 500
RECORD_COLUMNS = (
    "id",
    "source",
    "source_offer_id",
    "url",
    "title",
    "company",
    "description",
    "city",
    "postal_code",
    "region",
    "country",
    "latitude",
    "longitude",
    "contract_type",
    "working_time",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "posted_at",
    "closed_at",
    "content_hash",
)
_COLUMNS = [postings.c[name] for name in RECORD_COLUMNS]
# an empty description: only computing keys reads it, and it is most of a row's bytes
_HELD_COLUMNS = [
    literal_column("''").label("description") if c.name == "description" else c for c in _COLUMNS
]


def record_key(source: str, source_offer_id: str) -> str:
    """The dedupe key of a posting (``dedupe.records.posting_key`` of its row)."""
    return f"{source}:{source_offer_id}"


def split_key(key: str) -> tuple[str, str]:
    """``"source:offer id"`` back into its parts (source keys hold no colon)."""
    source, sep, offer_id = key.partition(":")
    if not sep or not source or not offer_id:
        raise ValueError(f"not a SOURCE:ID posting key: {key!r}")
    return source, offer_id


def _enum(kind: Any, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:  # a value written by an older vocabulary: compare without it
        return None


def to_record(row: Any) -> DedupeRecord:
    """The dedupe record of a posting row (any mapping with :data:`RECORD_COLUMNS`)."""
    return DedupeRecord(
        key=record_key(row["source"], row["source_offer_id"]),
        source=row["source"],
        source_offer_id=row["source_offer_id"],
        url=row["url"],
        title=row["title"],
        company=row["company"],
        description=row["description"] or "",
        city=row["city"],
        postal_code=row["postal_code"],
        region=row["region"],
        country=row["country"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        contract_type=_enum(ContractType, row["contract_type"]),
        working_time=_enum(WorkingTime, row["working_time"]),
        salary_min=row["salary_min"],
        salary_max=row["salary_max"],
        salary_currency=row["salary_currency"],
        salary_period=_enum(SalaryPeriod, row["salary_period"]),
        posted_at=row["posted_at"],
        closed_at=row["closed_at"],
    )


def posting_rows(
    conn: Connection, posting_ids: Sequence[int], *, description: bool = True
) -> Iterator[Any]:
    """Rows (mappings with :data:`RECORD_COLUMNS`) of these postings, in chunks; without
    ``description`` their records have an empty one (for keys already computed)."""
    columns = _COLUMNS if description else _HELD_COLUMNS
    for start in range(0, len(posting_ids), CHUNK):
        chunk = posting_ids[start : start + CHUNK]
        for row in conn.execute(select(*columns).where(postings.c.id.in_(chunk))):
            yield row._mapping
