"""Himalayas ``/jobs/api?limit=&offset=``: millisecond dates, annual salaries or null."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import (
    BoardView,
    Reply,
    Request,
    epoch_ms,
    json_reply,
    page,
    plain,
    slug,
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/jobs/api?limit=20&offset=0"
MAX_LIMIT = 20


def _job(p: BoardPosting) -> dict[str, Any]:
    company_slug = slug(p.company)
    guid = (
        f"https://himalayas.app/companies/{company_slug}/jobs/{slug(p.title)}-{p.source_offer_id}"
    )
    annual = p.salary_period in (None, "year")
    return {
        "title": p.title,
        "excerpt": plain(p.description_html)[:160],
        "companyName": p.company,
        "companySlug": company_slug,
        "companyLogo": "",
        "employmentType": word("contract", "himalayas", p.contract_type) or "Full Time",
        "minSalary": p.salary_min if annual else None,
        "maxSalary": p.salary_max if annual else None,
        "seniority": ["Mid-level"],
        "currency": p.salary_currency or "USD",
        "locationRestrictions": [p.country] if p.country else [],
        "timezoneRestrictions": [],
        "categories": [],
        "parentCategories": [],
        "description": p.description_html,
        "pubDate": epoch_ms(p.posted_at),
        "expiryDate": epoch_ms(p.valid_through) if p.valid_through else None,
        "applicationLink": p.apply_url or guid,
        "guid": guid,
    }


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Himalayas request."""
    if req.path.rstrip("/") != "/jobs/api":
        return json_reply({"error": "Not found"}, status=404)
    limit = req.int_arg("limit", MAX_LIMIT, lo=1, hi=MAX_LIMIT)
    offset = req.int_arg("offset", 0)
    total = len(view.postings)
    if view.endless:
        total = max(total, offset + limit + 1)
        offset = min(offset, max(0, len(view.postings) - limit))
    jobs = [_job(p) for p in page(view.postings, offset, limit)]
    body = {
        "comments": "Himalayas job board API. Please link back to the job listing.",
        "updatedAt": epoch_ms(view.last_modified()) // 1000,
        "offset": offset,
        "limit": limit,
        "totalCount": total,
        "jobs": jobs,
    }
    return json_reply(body, conditional=True)
