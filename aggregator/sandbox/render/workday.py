"""Workday CXS: ``POST /wday/cxs/{token}/{site}/jobs`` with ``{limit, offset, searchText}``.

Oddities kept: ``postedOn`` is relative English ("Posted 3 Days Ago", "Posted 30+ Days Ago")
computed from the market clock, ``limit`` above 20 is rejected, detail is a GET of ``externalPath``.
"""

from __future__ import annotations

import json
from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, json_reply, page, slug
from aggregator.sandbox.render.vocab import word

ENTRY = "/wday/cxs/{token}/{site}/jobs"
MAX_LIMIT = 20


def posted_on(view: BoardView, p: BoardPosting) -> str:
    """Workday's relative date wording."""
    days = (view.now.date() - p.posted_at.date()).days
    if days <= 0:
        return "Posted Today"
    if days == 1:
        return "Posted Yesterday"
    if days < 30:
        return f"Posted {days} Days Ago"
    return "Posted 30+ Days Ago"


def _path(p: BoardPosting) -> str:
    place = slug(p.city or p.location_text or "Remote").title()
    return f"/job/{place}/{slug(p.title).title()}_{p.source_offer_id}"


def _summary(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    return {
        "title": p.title,
        "externalPath": _path(p),
        "locationsText": p.location_text,
        "postedOn": posted_on(view, p),
        "bulletFields": [p.source_offer_id],
    }


def _detail(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    token, site, host = view.spec.token, view.opt("site", "External"), view.opt("wd", "wd3")
    info = {
        "id": p.source_offer_id,
        "title": p.title,
        "jobDescription": p.description_html + (f"<p>{p.salary_text}</p>" if p.salary_text else ""),
        "location": p.location_text,
        "postedOn": posted_on(view, p),
        "startDate": p.posted_at.date().isoformat(),
        "timeType": word("working_time", "workday", p.working_time or "full_time"),
        "jobReqId": p.source_offer_id,
        "jobPostingId": _path(p).rsplit("/", 1)[-1],
        "jobPostingSiteId": site,
        "country": {"descriptor": p.country, "id": p.country},
        "canApply": True,
        "externalUrl": f"https://{token}.{host}.myworkdayjobs.com/{site}{_path(p)}",
    }
    return {"jobPostingInfo": info, "hiringOrganization": {"name": p.company, "url": ""}}


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Workday request."""
    root = f"/wday/cxs/{view.spec.token}/{view.opt('site', 'External')}"
    if req.path == root + "/jobs" and req.method == "POST":
        try:
            query = json.loads(req.body or b"{}")
            limit, offset = int(query.get("limit", 20)), int(query.get("offset", 0))
        except (ValueError, TypeError, AttributeError):
            return json_reply({"errorCode": "HTTP_400", "message": "Bad request"}, status=400)
        if limit > MAX_LIMIT or limit < 1 or offset < 0:
            return json_reply(
                {"errorCode": "HTTP_400", "message": "limit must be 1..20"}, status=400
            )
        total = len(view.postings)
        if view.endless:
            total = max(total, offset + limit + 1)
            offset = min(offset, max(0, len(view.postings) - limit))
        items = [_summary(view, p) for p in page(view.postings, offset, limit)]
        return json_reply({"total": total, "jobPostings": items, "facets": []})
    if req.path.startswith(root + "/job/") and req.method == "GET":
        for p in view.postings:
            if req.path == root + _path(p):
                return json_reply(_detail(view, p))
    return json_reply({"errorCode": "HTTP_404", "message": "Not found"}, status=404)
