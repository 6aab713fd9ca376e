"""Arrow (and Parquet) types of a snapshot's columns.

Enums are strings, amounts and coordinates float64, date-times UTC microseconds. The queries
return date-times as ISO 8601 text (``2026-11-02T08:15:30.123456Z``): text formats write them
as they are and Parquet casts them, which spares a Python datetime per value.
"""

from __future__ import annotations

import pyarrow as pa

from aggregator.snapshots.columns import (
    FLOATS,
    OFFER_COLUMNS,
    POSTING_COLUMNS,
    REF_FIELDS,
    REQUIRED,
    TIMESTAMPS,
)

TIMESTAMP = pa.timestamp("us", tz="UTC")


def arrow_type(column: str) -> pa.DataType:
    """The Arrow (and Parquet) type of a column."""
    if column in FLOATS:
        return pa.float64()
    if column in TIMESTAMPS:
        return TIMESTAMP
    return pa.string()


def as_text(data_type: pa.DataType) -> pa.DataType:
    """The same type with timestamps as strings: what the queries return, before a cast."""
    if pa.types.is_timestamp(data_type):
        return pa.string()
    if pa.types.is_list(data_type):
        item = data_type.value_field
        return pa.list_(item.with_type(as_text(item.type)))
    if pa.types.is_struct(data_type):
        return pa.struct([f.with_type(as_text(f.type)) for f in data_type])
    return data_type


def arrow_schema(columns: tuple[str, ...]) -> pa.Schema:
    """A schema for ``columns``; required fields are declared non-nullable."""
    return pa.schema([pa.field(c, arrow_type(c), nullable=c not in REQUIRED) for c in columns])


REF_STRUCT = pa.struct([pa.field(c, arrow_type(c), nullable=c == "posted_at") for c in REF_FIELDS])
OFFERS_SCHEMA = arrow_schema(OFFER_COLUMNS)
POSTINGS_SCHEMA = arrow_schema(POSTING_COLUMNS)
NESTED_OFFERS_SCHEMA = OFFERS_SCHEMA.append(
    pa.field("postings", pa.list_(pa.field("item", REF_STRUCT, nullable=False)), nullable=False)
)
