"""Facet counts over every offer, read from the counters the store keeps at write time.

Migration 0007's triggers keep ``offer_facet_counts`` (status, facet, value, n) in step with
``offers`` in the writing transaction, so the landing page's question ("how many open offers per
contract type, region, source, salary band?") and the unfiltered total are a read of a few
hundred rows instead of a scan of the table. On PostgreSQL a counter may be spread over several
delta rows (writers append, never update): it is always summed.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, func, select

from aggregator.api.params import StatusFilter
from aggregator.api.tables import facet_counts
from normalizers.vocab import load_vocab

COLUMN_FACETS = ("contract_type", "working_time", "remote", "region", "source")
_SALARY = "salary_k"  # annualized upper amount, in whole thousands


@cache
def salary_bands() -> tuple[tuple[float, str], ...]:
    """(lower bound, label) pairs, ascending (``data/vocab/search.yaml``)."""
    bands = load_vocab("search")["salary_bands"]
    return tuple(sorted((float(low), str(label)) for low, label in bands))


def band_of_thousands(thousands: int) -> str | None:
    """The band of an amount known to the thousand (exact: band bounds are whole thousands)."""
    label = None
    for low, name in salary_bands():
        if thousands * 1000 >= low:
            label = name
    return label


def bands_are_whole_thousands() -> bool:
    """Whether the counters (kept per thousand) can answer the salary bands exactly."""
    return all(low % 1000 == 0 for low, _ in salary_bands())


def counters(conn: Connection, status: StatusFilter) -> dict[str, dict[str | None, int]]:
    """Per facet, the number of offers per value (None: unknown) with the given status."""
    total = func.sum(facet_counts.c.n)
    query = select(facet_counts.c.facet, facet_counts.c.value, total).group_by(
        facet_counts.c.facet, facet_counts.c.value
    )
    if status is not StatusFilter.ANY:
        query = query.where(facet_counts.c.status == status.value)
    result: dict[str, dict[str | None, int]] = defaultdict(dict)
    for facet, value, n in conn.execute(query):
        if n:
            result[facet][value or None] = int(n)
    return result


@cache
def _total_statement(status: StatusFilter) -> Select[Any]:
    """Built once per status: an unfiltered page asks for it on every request, and building
    the statement cost more CPU than running it."""
    query = select(func.coalesce(func.sum(facet_counts.c.n), 0)).where(
        facet_counts.c.facet == "contract_type"
    )
    if status is not StatusFilter.ANY:
        query = query.where(facet_counts.c.status == status.value)
    return query


def offer_total(conn: Connection, status: StatusFilter) -> int:
    """How many offers have ``status`` (every offer has one contract-type counter)."""
    return int(conn.execute(_total_statement(status)).scalar_one())


def summary_facets(conn: Connection, status: StatusFilter) -> dict[str, Any]:
    """Every facet over all offers of ``status``: counts per value, as ``GET /facets`` answers."""
    found = counters(conn, status)
    result: dict[str, Any] = {name: dict(found.get(name, {})) for name in COLUMN_FACETS}
    bands: dict[str | None, int] = defaultdict(int)
    for value, n in found.get(_SALARY, {}).items():
        bands[band_of_thousands(int(value)) if value is not None else None] += n
    result["salary_band"] = dict(bands)
    result["total"] = sum(found.get("contract_type", {}).values())
    return result
