"""Jobicy ``/api/v2/remote-jobs?count=``: zone-less ``pubDate``, string salaries, entities."""

from __future__ import annotations

import html
from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import (
    BoardView,
    Reply,
    Request,
    json_reply,
    naive_text,
    plain,
    slug,
    stable_pick,
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/api/v2/remote-jobs?count=50"

NOTICE = (
    "We appreciate your use of Jobicy API in your projects! We kindly request that you "
    "refrain from distributing Jobicy’s job listings to any external job platforms, such as "
    "Jooble, Google Jobs, and LinkedIn. Accessing the Feed a few times daily is sufficient "
    "and recommended."
)


def _job(p: BoardPosting) -> dict[str, Any]:
    job_slug = f"{p.source_offer_id}-{slug(p.title)}"
    excerpt = plain(p.description_html)[:220].rstrip()
    job: dict[str, Any] = {
        "id": int(p.source_offer_id) if p.source_offer_id.isdigit() else p.source_offer_id,
        "url": f"https://jobicy.com/jobs/{job_slug}",
        "jobSlug": job_slug,
        "jobTitle": p.title,
        "companyName": p.company,
        "companyLogo": "",
        "jobIndustry": [
            "Marketing &amp; Sales" if stable_pick(p.source_offer_id, 2) else "Technical Support"
        ],
        "jobType": [word("contract", "jobicy", p.contract_type) or "full-time"],
        "jobGeo": p.location_text or "Anywhere",
        "jobLevel": "Any",
        "jobExcerpt": html.escape(excerpt, quote=False) + "&#8230;",
        "jobDescription": p.description_html,
        "pubDate": naive_text(p.posted_at),
    }
    if p.salary_min is not None and p.salary_period in (None, "year"):
        job["annualSalaryMin"] = f"{p.salary_min:.0f}"
        job["annualSalaryMax"] = (
            f"{(p.salary_max if p.salary_max is not None else p.salary_min):.0f}"
        )
        job["salaryCurrency"] = p.salary_currency or "USD"
    return job


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Jobicy request."""
    if req.path.rstrip("/") != "/api/v2/remote-jobs":
        return json_reply({"error": "Not found"}, status=404)
    count = req.int_arg("count", 50, lo=1, hi=50)
    jobs = [_job(p) for p in view.postings[:count]]
    body = {
        "apiVersion": "2.0",
        "documentationUrl": "https://jobi.cy/apidocs",
        "friendlyNotice": NOTICE,
        "jobCount": len(jobs),
        "xRayHash": f"xID_{view.spec.key}",
        "clientKey": f"key_{view.spec.token}",
        "lastUpdate": naive_text(view.last_modified()),
        "jobs": jobs,
    }
    return json_reply(body, conditional=True)
