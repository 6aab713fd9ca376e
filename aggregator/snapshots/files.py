"""Writing a selection out: a snapshot folder (offers, postings, manifest) or a single file.

The caller holds the read transaction and picks the (temporary) destination; these functions
only stream batches into writers and count what they wrote.
"""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from aggregator.snapshots.arrow import NESTED_OFFERS_SCHEMA, OFFERS_SCHEMA, POSTINGS_SCHEMA
from aggregator.snapshots.columns import POSTING_COLUMNS, REF_FIELDS
from aggregator.snapshots.manifest import build_manifest, write_manifest
from aggregator.snapshots.progress import Advance
from aggregator.snapshots.queries import Selection, source_crawls
from aggregator.snapshots.stream import BATCH_SIZE, batches, raw_text
from aggregator.snapshots.writers import ARROW_FORMATS, PARQUET_COMPRESSION, open_table

_SOURCE = POSTING_COLUMNS.index("source")
_REFS = tuple(POSTING_COLUMNS.index(f) for f in REF_FIELDS)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(slots=True)
class Written:
    """Rows written, and postings by source (for the manifest)."""

    offers: int = 0
    postings: int = 0
    by_source: Counter[str | bytes] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class Description:
    """What the manifest says besides counts: when, as of when, with which filters."""

    created_at: datetime
    as_of: datetime | None
    filters: dict[str, Any]


def write_folder(
    conn: Connection,
    folder: Path,
    fmt: str,
    selection: Selection,
    description: Description,
    advance: Advance,
    batch_size: int = BATCH_SIZE,
) -> Written:
    """``offers.<fmt>``, ``postings.<fmt>`` and ``manifest.json`` in a new ``folder``."""
    folder.mkdir()
    offers_path, postings_path = folder / f"offers.{fmt}", folder / f"postings.{fmt}"
    written = Written()
    offers = open_table(fmt, offers_path, OFFERS_SCHEMA)
    postings = open_table(fmt, postings_path, POSTINGS_SCHEMA)
    try:
        with raw_text(conn) if fmt in ARROW_FORMATS else nullcontext():
            for batch in batches(conn, selection, batch_size):
                offers.write(batch.offers)
                postings.write(batch.postings)
                written.offers += len(batch.offers)
                written.postings += len(batch.postings)
                written.by_source.update(row[_SOURCE] for row in batch.postings)
                advance(len(batch.offers))
    finally:
        offers.close()
        postings.close()
    manifest = build_manifest(
        fmt=fmt,
        compression=PARQUET_COMPRESSION if fmt == "parquet" else None,
        created_at=description.created_at,
        as_of=description.as_of,
        filters=description.filters,
        files={
            "offers": (offers_path, written.offers),
            "postings": (postings_path, written.postings),
        },
        sources=source_crawls(conn, description.as_of),
        postings_by_source=Counter({_text(key): count for key, count in written.by_source.items()}),
    )
    write_manifest(folder / "manifest.json", manifest)
    return written


def write_single(
    conn: Connection,
    path: Path,
    fmt: str,
    selection: Selection,
    advance: Advance,
    batch_size: int = BATCH_SIZE,
) -> Written:
    """One file of offers, each with its ``postings`` list (the schema's ``PostingRef``)."""
    written = Written()
    table = open_table(fmt, path, NESTED_OFFERS_SCHEMA)
    try:
        for batch in batches(conn, selection, batch_size):
            refs: dict[str, list[dict[str, Any]]] = {}
            for row in batch.postings:
                refs.setdefault(row[0], []).append(
                    {name: row[i] for name, i in zip(REF_FIELDS, _REFS, strict=True)}
                )
            offer_id = OFFERS_SCHEMA.names.index("offer_id")
            table.write([(*row, refs.get(row[offer_id], [])) for row in batch.offers])
            written.offers += len(batch.offers)
            written.postings += len(batch.postings)
            advance(len(batch.offers))
    finally:
        table.close()
    return written
