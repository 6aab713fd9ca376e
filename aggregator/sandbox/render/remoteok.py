"""RemoteOK ``/api``: a bare array whose first element is the legal notice.

Oddities kept: epoch seconds next to an ISO date, ``&amp;`` entities in ``company``,
``salary_min``/``salary_max`` 0 when unknown, mixed-case ``remoteOK.com`` URLs.
"""

from __future__ import annotations

import html
from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, epoch_s, json_reply, slug

ENTRY = "/api"

LEGAL = (
    "API Terms of Service: Please link back (with follow, and without nofollow!) to the URL on "
    "Remote OK and mention Remote OK as a source, so we get traffic back from your site. "
    "If you do not we'll have to suspend API access."
)


def _usd_year(p: BoardPosting, value: float | None) -> int:
    if value is None or p.salary_period not in (None, "year"):
        return 0
    return int(value)


def _job(p: BoardPosting) -> dict[str, Any]:
    job_slug = f"remote-{slug(p.title)}-{slug(p.company)}-{p.source_offer_id}"
    url = f"https://remoteOK.com/remote-jobs/{job_slug}"
    return {
        "slug": job_slug,
        "id": p.source_offer_id,
        "epoch": epoch_s(p.posted_at),
        "date": p.posted_at.isoformat(timespec="seconds"),
        "company": html.escape(p.company, quote=False),
        "company_logo": "",
        "position": p.title,
        "tags": [w.lower() for w in p.title.split()[:3]],
        "description": p.description_html,
        "location": p.location_text if p.location_text != "Remote" else "",
        "salary_min": _usd_year(p, p.salary_min),
        "salary_max": _usd_year(p, p.salary_max),
        "apply_url": url,
        "logo": "",
        "url": url,
    }


def handle(view: BoardView, req: Request) -> Reply:
    """Route a RemoteOK request."""
    if req.path.rstrip("/") != "/api":
        return json_reply({"error": "Not found"}, status=404)
    notice = {"last_updated": epoch_s(view.last_modified()), "legal": LEGAL}
    return json_reply([notice, *(_job(p) for p in view.postings)], conditional=True)
