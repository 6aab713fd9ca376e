"""``GET /offers/{offer_id}`` and ``GET /sources``: one offer with its provenance, source health."""

from __future__ import annotations

from typing import Any

import nh3
from sqlalchemy import Connection, func, select

from aggregator.api.params import StatusFilter
from aggregator.api.summary import counters
from aggregator.api.tables import crawl_runs, offer_postings, offers, postings, sources
from normalizers.fields.text import SAFE_TAGS

_DETAIL_COLUMNS = tuple(
    c.name for c in offers.c if c.name not in ("search_title", "search_body", "updated_at")
)
_HEALTH = {"ok": "ok", "partial": "degraded", "failed": "failing", "interrupted": "failing"}


def safe_html(markup: str | None) -> str | None:
    """Description HTML through the same allowlist as the normalizer, whatever loaded it."""
    if not markup:
        return None
    return nh3.clean(
        markup,
        tags=set(SAFE_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def get_offer(conn: Connection, offer_id: str) -> dict[str, Any] | None:
    """The offer and its postings (best first: open, then most recently seen), or None."""
    query = select(*(offers.c[name] for name in _DETAIL_COLUMNS)).where(
        offers.c.offer_id == offer_id
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    record = dict(row._mapping)
    record["description_html"] = safe_html(record["description_html"])
    refs = (
        select(
            postings.c.source,
            postings.c.source_offer_id,
            postings.c.url,
            postings.c.apply_url,
            postings.c.posted_at,
            postings.c.first_seen_at,
            postings.c.last_seen_at,
            postings.c.closed_at,
            offer_postings.c.rule,
            offer_postings.c.score,
        )
        .select_from(offer_postings.join(postings, postings.c.id == offer_postings.c.posting_id))
        .where(offer_postings.c.offer_id == offer_id)
        .order_by(
            postings.c.closed_at.is_not(None),
            postings.c.last_seen_at.desc(),
            postings.c.source,
            postings.c.source_offer_id,
        )
    )
    record["postings"] = [dict(r._mapping) for r in conn.execute(refs)]
    return record


def list_sources(conn: Connection) -> list[dict[str, Any]]:
    """Every source with its open offers and the state of its last runs."""
    open_counts = counters(conn, StatusFilter.OPEN).get("source", {})
    last_run = (
        select(crawl_runs.c.source, func.max(crawl_runs.c.id).label("id"))
        .where(crawl_runs.c.status != "running")
        .group_by(crawl_runs.c.source)
        .subquery()
    )
    last = {
        row.source: row
        for row in conn.execute(
            select(crawl_runs.c.source, crawl_runs.c.status, crawl_runs.c.started_at).join(
                last_run, last_run.c.id == crawl_runs.c.id
            )
        )
    }
    successes: dict[str, Any] = dict(
        conn.execute(  # type: ignore[arg-type]
            select(crawl_runs.c.source, func.max(crawl_runs.c.finished_at))
            .where(crawl_runs.c.status == "ok")
            .group_by(crawl_runs.c.source)
        ).all()
    )
    result = []
    for src in conn.execute(select(sources).order_by(sources.c.key)):
        run = last.get(src.key)
        result.append(
            {
                "key": src.key,
                "name": src.name,
                "kind": src.kind,
                "enabled": src.enabled,
                "external": src.external,
                "open_offers": open_counts.get(src.key, 0),
                "health": _HEALTH.get(run.status, "unknown") if run else "unknown",
                "last_run_status": run.status if run else None,
                "last_run_at": run.started_at if run else None,
                "last_success_at": successes.get(src.key),
            }
        )
    return result
