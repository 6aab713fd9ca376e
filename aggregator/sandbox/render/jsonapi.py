"""Generic paginated JSON API ``/api/jobs?page=N``: ``{"data": [...], "next": url | null}``."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, iso_z, json_reply, page

ENTRY = "/api/jobs?page=1"


def _item(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    site = view.opt("site_url", f"https://www.{view.spec.token}.example")
    salary = None
    if p.salary_min is not None or p.salary_max is not None:
        salary = {
            "min": p.salary_min,
            "max": p.salary_max,
            "currency": p.salary_currency,
            "period": p.salary_period,
        }
    return {
        "id": p.source_offer_id,
        "title": p.title,
        "company": p.company,
        "location": {
            "label": p.location_text,
            "city": p.city,
            "postal_code": p.postal_code,
            "region": p.region,
            "country": p.country,
            "lat": p.latitude,
            "lon": p.longitude,
        },
        "contract": p.contract_type,
        "working_time": p.working_time,
        "remote": p.remote,
        "hours_per_week": p.hours_per_week,
        "salary": salary,
        "salary_text": p.salary_text,
        "description_html": p.description_html,
        "published_at": iso_z(p.posted_at),
        "updated_at": iso_z(p.updated_at),
        "expires_at": iso_z(p.valid_through) if p.valid_through else None,
        "language": p.language,
        "url": f"{site}/jobs/{p.source_offer_id}",
        "apply_url": p.apply_url,
    }


def handle(view: BoardView, req: Request) -> Reply:
    """Route a generic JSON API request."""
    if req.path.rstrip("/") != "/api/jobs":
        return json_reply({"error": "not_found"}, status=404)
    per_page = view.spec.page_size
    number = req.int_arg("page", 1, lo=1)
    last = max(1, -(-len(view.postings) // per_page))
    shown = min(number, last) if view.endless else number
    items = page(view.postings, (shown - 1) * per_page, per_page)
    has_next = view.endless or number < last
    body = {
        "data": [_item(view, p) for p in items],
        "page": number,
        "per_page": per_page,
        "total": len(view.postings),
        "next": f"{view.base_url}/api/jobs?page={number + 1}" if has_next else None,
    }
    return json_reply(body, conditional=True)
