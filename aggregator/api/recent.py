"""PostgreSQL: a relevance window found among the last days' offers inside the GIN index.

A relevance page ranks the :data:`aggregator.api.ranking.RANK_WINDOW` most recent matches. A
common word's were found by walking the ``listed_at`` index down from the newest offer and
testing each offer row for the words (5,000 to 11,000 rows read for a word in 4 to 9 % of a
million offers); a rarer one's by collecting every match from the GIN index and sorting them.
The GIN index ``ix_offers_search`` also holds each offer's listing day (``search_days``) and
filter tags (``search_tags``: contract type, working time, remote, salary thresholds; migration
0011), so "the words, listed on one of these days, with these tags" is one intersection inside
the index: the last days' matches, a few hundred to a few thousand, without reading the others.
Searches with a filter that is not a tag keep the whole store's plans (:func:`tag_filters`).

When those days hold at least a full window of matches, the window is exactly the one the
whole store gives: every match outside them was listed on an earlier day, so older than each
match inside. Otherwise a longer span is tried, then the whole store (the plans above). Days
count from the newest listing of the searched status (one index probe), not from the clock,
so a store whose newest offer is weeks old is served as well; one day beyond it is included,
for offers listed between that probe and the search.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Integer,
    Subquery,
    Text,
    bindparam,
    func,
    literal_column,
    select,
    text,
)

from aggregator.api.filters import Where
from aggregator.api.tables import offers
from aggregator.store.search_text import filter_tag, salary_tag, salary_tag_is_exact

# days before the newest one searched, one span after the other while the window is not full
RECENT_SPANS = (1, 7)
_NEWEST_DAY = text("SELECT (search_days(max(listed_at)))[1] FROM offers WHERE status = :f_status")


def recent_offers(tsquery: ColumnElement[Any], filters: tuple[str, ...]) -> Subquery:
    """The ``cap`` most recent offers of the searched status (``f_status``) matching
    ``tsquery``, listed on one of the days bound as ``r_days`` and holding one tag of each
    of ``filters`` (bound as ``r_<filter>``): keys of the GIN index all, intersected there;
    newest first, with their ``ctid``.

    The planner reads them from the GIN index when the days hold few matches, or walks the
    ``listed_at`` index testing each row when nearly every offer matches (a word in half of
    them: 1,000 rows for the window), as it did without the days.
    """
    days = func.search_days(offers.c.listed_at)
    tags = func.search_tags(
        offers.c.contract_type, offers.c.working_time, offers.c.remote, offers.c.salary_year_max
    )
    return (
        select(offers.c.offer_id, offers.c.listed_at, literal_column("offers.ctid").label("ctid"))
        .where(
            literal_column("offers.search_vector").op("@@")(tsquery),
            days.op("&&")(bindparam("r_days", type_=ARRAY(Integer))),
            offers.c.status == bindparam("f_status"),
            *(tags.op("&&")(bindparam(f"r_{name}", type_=ARRAY(Text))) for name in filters),
        )
        .order_by(offers.c.listed_at.desc(), offers.c.offer_id.desc())
        .limit(bindparam("cap"))
        .subquery("recent_offers")
    )


def tag_filters(where: Where) -> dict[str, list[str]] | None:
    """The tags each filter of ``where`` but the status asks for (one of them per filter), or
    None when a filter is not a tag, or not exactly one (then the search keeps its previous
    plans).

    Filters must all be tags, tested inside the GIN index with the words and the days: tested
    on the rows afterwards, the days' matches were read until a full window passed, and for a
    filter that keeps few of a word's matches (an internship among offers mentioning training)
    that read thousands of rows and failed before the whole store's plan ran (2 to 50 ms); in
    the same scan, the planner intersected the GIN bitmap with a B-tree's (a minimum salary:
    267,000 offers, 42 ms).
    """
    tags: dict[str, list[str]] = {}
    for name in where.shape:
        if name in ("contract_type", "working_time", "remote"):
            tags[name] = [filter_tag(name, value) for value in where.params[f"f_{name}"]]
        elif name == "salary_min" and salary_tag_is_exact(where.params["f_salary_min"]):
            tags[name] = [salary_tag(where.params["f_salary_min"]) or ""]
        elif name != "status":
            return None
    return tags


def newest_day(conn: Connection, where: Where) -> int | None:
    """The listing day of the newest offer of the searched status (days since 1970-01-01
    UTC), or None: no status filter (``status=any``, which no index serves), or no offer."""
    if "status" not in where.shape:
        return None
    day: Any = conn.execute(_NEWEST_DAY, {"f_status": where.params["f_status"]}).scalar()
    return None if day is None else int(day)


def recent_days(newest: int, span: int) -> list[int]:
    """The days to search: ``span`` days before ``newest``, ``newest`` and the day after."""
    return list(range(newest - span, newest + 2))
