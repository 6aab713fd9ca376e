"""Remotive ``/api/remote-jobs``: legal notice key, zone-less dates, free-text salary."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, json_reply, naive_text, slug
from aggregator.sandbox.render.vocab import word

ENTRY = "/api/remote-jobs"

LEGAL = (
    "Remotive API Legal Notice: Please keep in mind the following: Jobs are delayed by 24 hours. "
    "You must link back to the URL found on Remotive and mention Remotive as a source. "
    "Do not submit Remotive jobs to third party websites such as Jooble, Google Jobs or LinkedIn."
)


def _job(p: BoardPosting) -> dict[str, Any]:
    return {
        "id": int(p.source_offer_id) if p.source_offer_id.isdigit() else p.source_offer_id,
        "url": f"https://remotive.com/remote-jobs/software-dev/{slug(p.title)}-{p.source_offer_id}",
        "title": p.title,
        "company_name": p.company,
        "company_logo": "",
        "category": "Software Development",
        "tags": [],
        "job_type": word("contract", "remotive", p.contract_type) or "",
        "publication_date": naive_text(p.posted_at, sep="T"),
        "candidate_required_location": p.location_text or "Worldwide",
        "salary": p.salary_text or "",
        "description": p.description_html,
    }


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Remotive request (``limit`` and ``search`` filters are honoured)."""
    if req.path.rstrip("/") != "/api/remote-jobs":
        return json_reply({"error": "Not found"}, status=404)
    postings = list(view.postings)
    search = (req.arg("search") or "").lower()
    if search:
        postings = [p for p in postings if search in p.title.lower()]
    limit = req.int_arg("limit", len(postings))
    jobs = [_job(p) for p in postings[:limit]]
    body = {"0-legal-notice": LEGAL, "job-count": len(jobs), "jobs": jobs}
    return json_reply(body, conditional=True)
