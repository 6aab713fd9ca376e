"""Workable public widget API: ``/api/v1/widget/accounts/{token}?details=true`` (one payload)."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, json_reply
from aggregator.sandbox.render.vocab import word

ENTRY = "/api/v1/widget/accounts/{token}?details=true"


def _job(view: BoardView, p: BoardPosting, details: bool) -> dict[str, Any]:
    short = p.source_offer_id
    job: dict[str, Any] = {
        "title": p.title,
        "shortcode": short,
        "code": "",
        "employment_type": word("contract", "text", p.contract_type, "en") or "",
        "telecommuting": p.remote == "remote",
        "department": "",
        "url": f"https://apply.workable.com/j/{short}",
        "shortlink": f"https://apply.workable.com/j/{short}",
        "application_url": f"https://apply.workable.com/j/{short}/apply",
        "published_on": p.posted_at.date().isoformat(),
        "created_at": p.posted_at.date().isoformat(),
        "country": p.country,
        "city": p.city or "",
        "state": p.region or "",
        "education": "",
        "experience": "",
        "function": "",
        "industry": "",
        "locations": [
            {
                "country": p.country,
                "countryCode": p.country,
                "city": p.city or "",
                "region": p.region or "",
                "hidden": False,
            }
        ],
    }
    if details:
        job["description"] = p.description_html
        job["full_description"] = p.description_html + (
            f"<p>{p.salary_text}</p>" if p.salary_text else ""
        )
    return job


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Workable widget request."""
    if req.path.rstrip("/") != f"/api/v1/widget/accounts/{view.spec.token}":
        return json_reply({"error": "Not found"}, status=404)
    details = req.arg("details", "false") == "true"
    company = view.postings[0].company if view.postings else view.spec.name
    body = {
        "name": company,
        "description": None,
        "jobs": [_job(view, p, details) for p in view.postings],
    }
    return json_reply(body, conditional=True)
