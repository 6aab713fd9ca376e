"""Recruitee careers API: ``/api/offers/`` and ``/api/offers/{slug}`` (dates as "... UTC" text)."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, json_reply, naive_text, slug
from aggregator.sandbox.render.vocab import word

ENTRY = "/api/offers/"


def _offer(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    offer_slug = f"{slug(p.title)}-{p.source_offer_id}"
    careers = f"https://{view.spec.token}.recruitee.com/o/{offer_slug}"
    kind = word("contract", "recruitee", p.contract_type) or "permanent"
    time = "parttime" if p.working_time == "part_time" else "fulltime"
    salary: dict[str, Any] = {"min": None, "max": None, "period": None, "currency": None}
    if p.salary_min is not None:
        salary = {
            "min": f"{p.salary_min:.0f}",
            "max": f"{(p.salary_max if p.salary_max is not None else p.salary_min):.0f}",
            "period": p.salary_period,
            "currency": p.salary_currency,
        }
    return {
        "id": int(p.source_offer_id) if p.source_offer_id.isdigit() else p.source_offer_id,
        "slug": offer_slug,
        "title": p.title,
        "company_name": p.company,
        "description": p.description_html,
        "requirements": "",
        "location": p.location_text,
        "city": p.city or "",
        "postal_code": p.postal_code or "",
        "state_name": p.region or "",
        "country": p.country,
        "country_code": p.country,
        "remote": p.remote == "remote",
        "hybrid": p.remote == "hybrid",
        "on_site": p.remote in (None, "onsite"),
        "employment_type_code": f"{time}_{kind}",
        "min_hours": p.hours_per_week,
        "max_hours": p.hours_per_week,
        "salary": salary,
        "created_at": naive_text(p.posted_at) + " UTC",
        "published_at": naive_text(p.posted_at) + " UTC",
        "updated_at": naive_text(p.updated_at) + " UTC",
        "close_at": naive_text(p.valid_through) + " UTC" if p.valid_through else None,
        "careers_url": careers,
        "careers_apply_url": p.apply_url or careers + "/c/new",
    }


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Recruitee request."""
    path = req.path.rstrip("/")
    if path == "/api/offers":
        return json_reply({"offers": [_offer(view, p) for p in view.postings]}, conditional=True)
    if path.startswith("/api/offers/"):
        wanted = path.rsplit("/", 1)[-1]
        for p in view.postings:
            if wanted in (p.source_offer_id, f"{slug(p.title)}-{p.source_offer_id}"):
                return json_reply({"offer": _offer(view, p)})
    return json_reply({"error": "Not found"}, status=404)
