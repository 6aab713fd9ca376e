"""Arbeitnow ``/api/job-board-api?page=N``: Laravel simple pagination (``links``/``meta``)."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import (
    BoardView,
    Reply,
    Request,
    epoch_s,
    json_reply,
    page,
    slug,
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/api/job-board-api?page=1"


def _job(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    job_slug = f"{slug(p.title)}-{slug(p.company)}-{p.source_offer_id}"
    types = [word("contract", "arbeitnow", p.contract_type, view.spec.language) or ""]
    types.append(
        word("working_time", "text", p.working_time or "full_time", view.spec.language) or ""
    )
    return {
        "slug": job_slug,
        "company_name": p.company,
        "title": p.title,
        "description": p.description_html,
        "remote": p.remote == "remote",
        "url": f"https://www.arbeitnow.com/jobs/companies/{slug(p.company)}/{job_slug}",
        "tags": [],
        "job_types": [t for t in types if t],
        "location": p.location_text,
        "created_at": epoch_s(p.posted_at),
    }


def handle(view: BoardView, req: Request) -> Reply:
    """Route an Arbeitnow request."""
    if req.path.rstrip("/") != "/api/job-board-api":
        return json_reply({"message": "Not Found"}, status=404)
    per_page = view.spec.page_size
    number = req.int_arg("page", 1, lo=1)
    last = max(1, -(-len(view.postings) // per_page))
    shown = min(number, last) if view.endless else number
    items = page(view.postings, (shown - 1) * per_page, per_page)
    path = f"{view.base_url}/api/job-board-api"
    has_next = view.endless or number < last
    start = (shown - 1) * per_page
    body = {
        "data": [_job(view, p) for p in items],
        "links": {
            "first": f"{path}?page=1",
            "last": None,
            "prev": f"{path}?page={number - 1}" if number > 1 else None,
            "next": f"{path}?page={number + 1}" if has_next else None,
        },
        "meta": {
            "current_page": number,
            "from": start + 1 if items else None,
            "path": path,
            "per_page": per_page,
            "to": start + len(items) if items else None,
            "terms": "This is a free public API for jobs, please do not abuse.",
            "info": "Jobs are updated every hour.",
        },
    }
    return json_reply(body, conditional=True)
