"""Offers and their postings streamed together, in batches of whole offers.

Two ordered result streams (offers by id; postings by offer id) are merged in one pass, so
memory holds one batch, never the table: a batch carries ``size`` offers and exactly the
postings of those offers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from aggregator.snapshots.columns import OFFER_COLUMNS
from aggregator.snapshots.queries import Selection

BATCH_SIZE = 20_000
_OFFER_ID = OFFER_COLUMNS.index("offer_id")


@dataclass(slots=True)
class Batch:
    """Offer rows (``OFFER_COLUMNS``) and their posting rows (``POSTING_COLUMNS``)."""

    offers: list[Any]
    postings: list[Any]


def batches(conn: Connection, selection: Selection, size: int = BATCH_SIZE) -> Iterator[Batch]:
    """The selection's offers with their postings, ``size`` offers at a time."""
    streamed = conn.execution_options(yield_per=size)
    postings = iter(streamed.execute(selection.postings))
    pending = next(postings, None)
    for chunk in streamed.execute(selection.offers).partitions(size):
        last = chunk[-1][_OFFER_ID]
        members = []
        while pending is not None and pending[0] <= last:
            members.append(pending)
            pending = next(postings, None)
        yield Batch(list(chunk), members)


@contextmanager
def raw_text(conn: Connection) -> Iterator[None]:
    """On SQLite, read text as UTF-8 bytes for a while: Arrow takes them without decoding to
    Python strings and encoding them back (half the cost of a Parquet or CSV export)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    dbapi = conn.connection.dbapi_connection
    previous = dbapi.text_factory  # type: ignore[union-attr]
    dbapi.text_factory = bytes  # type: ignore[union-attr]
    try:
        yield
    finally:
        dbapi.text_factory = previous  # type: ignore[union-attr]
