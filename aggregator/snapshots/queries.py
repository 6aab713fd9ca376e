"""The queries behind a snapshot: offers, their postings and counts, now or as of a time.

Now, they read the live tables (``offers``, ``offer_postings``, ``postings``); as of a time
``T``, the history tables, taking from each the row valid at ``T``. Both shapes give the same
columns in the same order (offers by ``offer_id``; postings by offer, source, source id), so
the writers cannot tell them apart and two runs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
)

from aggregator.snapshots.columns import MEMBER_FIELDS, OFFER_COLUMNS, TIMESTAMPS
from aggregator.snapshots.filters import SnapshotFilters, conditions
from aggregator.snapshots.tables import offer_memberships, offer_versions
from aggregator.store.models import CrawlRun, OfferPosting, OfferRow, PostingRow, Source

_offers, _links, _postings = OfferRow.__table__, OfferPosting.__table__, PostingRow.__table__


@dataclass(frozen=True, slots=True)
class Selection:
    """The three queries of one snapshot."""

    offers: Select[Any]
    postings: Select[Any]
    count: Select[Any]


def valid_at(table: Any, when: datetime) -> ColumnElement[bool]:
    """The history row of ``table`` in force at ``when``: ``valid_from <= when < valid_to``."""
    return and_(
        table.c.valid_from <= when, or_(table.c.valid_to.is_(None), table.c.valid_to > when)
    )


def exported(column: Any, dialect: str) -> Any:
    """A column as the files want it: date-times as ISO 8601 UTC text with microseconds."""
    if column.name not in TIMESTAMPS:
        return column
    text: ColumnElement[Any]
    if dialect == "postgresql":
        text = func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    else:  # SQLite holds UTC as 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's storage format)
        text = type_coerce(func.replace(column, " ", "T"), String) + "Z"
    return type_coerce(text, String).label(column.name)


def _live(filters: SnapshotFilters, dialect: str) -> Selection:
    def has_source(keys: tuple[str, ...]) -> ColumnElement[bool]:
        joined = _links.join(_postings, _postings.c.id == _links.c.posting_id)
        inner = select(literal(1)).select_from(joined)
        return exists(
            inner.where(_links.c.offer_id == _offers.c.offer_id, _postings.c.source.in_(keys))
        )

    where = conditions(filters, _offers.c, dialect, has_source)
    offers = select(*(exported(_offers.c[c], dialect) for c in OFFER_COLUMNS)).where(*where)
    posting_cols = [
        exported(_postings.c[f], dialect) for f in MEMBER_FIELDS if f not in ("rule", "score")
    ]
    postings = select(_links.c.offer_id, *posting_cols, _links.c.rule, _links.c.score).join(
        _postings, _postings.c.id == _links.c.posting_id
    )
    if where:
        postings = postings.where(_links.c.offer_id.in_(select(_offers.c.offer_id).where(*where)))
    return Selection(
        offers=offers.order_by(_offers.c.offer_id),
        postings=postings.order_by(
            _links.c.offer_id, _postings.c.source, _postings.c.source_offer_id
        ),
        count=select(func.count()).select_from(_offers).where(*where),
    )


def _as_of(filters: SnapshotFilters, dialect: str, when: datetime) -> Selection:
    v, m = offer_versions, offer_memberships

    def has_source(keys: tuple[str, ...]) -> ColumnElement[bool]:
        inner = select(literal(1)).select_from(m)
        return exists(
            inner.where(m.c.offer_id == v.c.offer_id, m.c.source.in_(keys), valid_at(m, when))
        )

    where = [valid_at(v, when), *conditions(filters, v.c, dialect, has_source)]
    offers = select(*(exported(v.c[c], dialect) for c in OFFER_COLUMNS)).where(*where)
    members = (exported(m.c[f], dialect) for f in MEMBER_FIELDS)
    postings = select(m.c.offer_id, *members).where(
        valid_at(m, when), m.c.offer_id.in_(select(v.c.offer_id).where(*where))
    )
    return Selection(
        offers=offers.order_by(v.c.offer_id),
        postings=postings.order_by(m.c.offer_id, m.c.source, m.c.source_offer_id),
        count=select(func.count()).select_from(v).where(*where),
    )


def selection(filters: SnapshotFilters, dialect: str, as_of: datetime | None) -> Selection:
    """The queries for ``filters``, on the live tables or as of ``as_of``."""
    return _live(filters, dialect) if as_of is None else _as_of(filters, dialect, as_of)


def source_crawls(conn: Connection, as_of: datetime | None) -> dict[str, datetime | None]:
    """Every source known (at ``as_of``) and the end of its last successful run by then."""
    sources, runs = Source.__table__, CrawlRun.__table__
    last = select(runs.c.source, func.max(runs.c.finished_at).label("last_ok")).where(
        runs.c.status == "ok", runs.c.finished_at.is_not(None)
    )
    known = select(sources.c.key)
    if as_of is not None:
        last = last.where(runs.c.finished_at <= as_of)
        known = known.where(sources.c.created_at <= as_of)
    done = {row.source: row.last_ok for row in conn.execute(last.group_by(runs.c.source))}
    return {key: done.get(key) for key in sorted(conn.scalars(known))}
