"""``GET /facets``: counts per value for the same query and filters as ``GET /offers``.

Like France Travail's ``filtresPossibles``: contract type, working time, remote, region, source
and salary band (annualized upper amount, bands from ``data/vocab/search.yaml``). A source
counts the offers that have at least one posting from it, so a consolidated offer seen on three
boards counts once under each.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, select

from aggregator.api.filters import conditions
from aggregator.api.fulltext import TextMatch, restrict, text_match
from aggregator.api.params import SearchFilters
from aggregator.api.tables import offer_postings, offers, postings
from aggregator.store.search_text import query_words
from normalizers.vocab import load_vocab

FACET_COLUMNS = ("contract_type", "working_time", "remote", "region")
MAX_VALUES = 30


@cache
def salary_bands() -> tuple[tuple[float, str], ...]:
    """(lower bound, label) pairs, ascending."""
    bands = load_vocab("search")["salary_bands"]
    return tuple(sorted((float(low), str(label)) for low, label in bands))


def _band_expression() -> ColumnElement[Any]:
    column = offers.c.salary_year_max
    whens = [(column >= low, label) for low, label in reversed(salary_bands())]
    return case(*whens, else_=None)


def _counts(
    conn: Connection,
    column: ColumnElement[Any],
    where: list[ColumnElement[bool]],
    match: TextMatch | None,
) -> list[dict[str, Any]]:
    count = func.count().label("n")
    query = select(column.label("value"), count).select_from(offers)
    if match is not None:
        query = restrict(query, match)
    query = query.where(*where).group_by(column).order_by(count.desc(), column).limit(MAX_VALUES)
    return [{"value": row.value, "count": row.n} for row in conn.execute(query)]


def _source_counts(
    conn: Connection, where: list[ColumnElement[bool]], match: TextMatch | None
) -> list[dict[str, Any]]:
    count = func.count(func.distinct(offer_postings.c.offer_id)).label("n")
    source = (
        offers.join(offer_postings, offer_postings.c.offer_id == offers.c.offer_id)
        if match is None
        else match.source.join(offer_postings, offer_postings.c.offer_id == offers.c.offer_id)
    ).join(postings, postings.c.id == offer_postings.c.posting_id)
    query = select(postings.c.source.label("value"), count).select_from(source)
    if match is not None and match.condition is not None:
        query = query.where(match.condition)
    query = (
        query.where(*where)
        .group_by(postings.c.source)
        .order_by(count.desc(), postings.c.source)
        .limit(MAX_VALUES)
    )
    return [{"value": row.value, "count": row.n} for row in conn.execute(query)]


def compute_facets(conn: Connection, filters: SearchFilters) -> dict[str, Any]:
    """Every facet's counts (see :class:`aggregator.api.schemas.Facets`)."""
    words = query_words(filters.q) if filters.q else []
    where, _ = conditions(filters, conn.dialect.name)
    match = text_match(conn.dialect.name, words) if words else None
    total_query = select(func.count()).select_from(offers)
    if match is not None:
        total_query = restrict(total_query, match)
    result: dict[str, Any] = {
        "total": conn.execute(total_query.where(*where)).scalar_one(),
    }
    for name in FACET_COLUMNS:
        result[name] = _counts(conn, offers.c[name], where, match)
    result["salary_band"] = _counts(conn, _band_expression(), where, match)
    result["source"] = _source_counts(conn, where, match)
    return result
