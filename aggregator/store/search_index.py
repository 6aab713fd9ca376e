"""Columns of ``offers`` that exist for search, computed whenever an offer row is written.

The store calls :func:`search_columns` on the values of every offer it inserts or updates
(``aggregator/store/offers.py``), so the columns never lag behind the offer:

- ``salary_year_min`` / ``salary_year_max``: the salary annualized the way dedupe compares
  salaries (:func:`dedupe.salary.annualize`), for the minimum-salary filter, the salary sort and
  the salary-band facet;
- ``listed_at``: the date the portal sorts on (``posted_at``, else ``first_seen_at``), never null
  so that keyset pagination needs no NULL handling;
- ``search_title`` / ``search_body`` (SQLite only): stemmed words for FTS5 (see
  :mod:`aggregator.store.search_text`); PostgreSQL computes its ``tsvector`` in a generated column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, select

from aggregator.schema import SalaryPeriod
from aggregator.store.models import OfferRow, table_of
from aggregator.store.search_text import index_text
from dedupe.salary import annualize

SEARCH_COLUMNS = ("salary_year_min", "salary_year_max", "listed_at", "search_title", "search_body")
_BACKFILL_BATCH = 2000


def _period(value: Any) -> SalaryPeriod | None:
    try:
        return SalaryPeriod(value) if value else None
    except ValueError:
        return None


def search_columns(values: Mapping[str, Any], dialect: str) -> dict[str, Any]:
    """The search columns for an offer row's values (as written to ``offers``)."""
    salary = annualize(
        values.get("salary_min"),
        values.get("salary_max"),
        values.get("salary_currency"),
        _period(values.get("salary_period")),
    )
    columns: dict[str, Any] = {
        "salary_year_min": round(salary.low, 2) if salary else None,
        "salary_year_max": round(salary.high, 2) if salary else None,
        "listed_at": values.get("posted_at") or values.get("first_seen_at"),
        "search_title": None,
        "search_body": None,
    }
    if dialect == "sqlite":
        language = values.get("language")
        columns["search_title"] = index_text(values.get("title"), language)
        body = " ".join(
            part
            for part in (
                values.get("company"),
                values.get("city"),
                values.get("region"),
                values.get("description"),
            )
            if part
        )
        columns["search_body"] = index_text(body, language)
    return columns


_SOURCE_FIELDS = (
    "offer_id",
    "title",
    "company",
    "city",
    "region",
    "description",
    "language",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "posted_at",
    "first_seen_at",
)


def backfill(conn: Connection, *, only_missing: bool = True) -> int:
    """Compute the search columns of existing offers (all, or those never computed).

    Used by migration 0003 on a store that already holds offers, and safe to rerun; reads and
    writes in batches by ``offer_id`` so a large store never sits in memory.
    """
    offers = table_of(OfferRow)
    dialect = conn.dialect.name
    update = offers.update().where(offers.c.offer_id == bindparam("b_offer_id"))
    last, done = "", 0
    while True:
        query = (
            select(*(offers.c[f] for f in _SOURCE_FIELDS))
            .where(offers.c.offer_id > last)
            .order_by(offers.c.offer_id)
            .limit(_BACKFILL_BATCH)
        )
        if only_missing:
            query = query.where(offers.c.listed_at.is_(None))
        rows = [dict(row._mapping) for row in conn.execute(query)]
        if not rows:
            return done
        batch = [{"b_offer_id": r["offer_id"], **search_columns(r, dialect)} for r in rows]
        conn.execute(update, batch)
        last, done = rows[-1]["offer_id"], done + len(rows)
