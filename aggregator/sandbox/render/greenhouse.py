"""Greenhouse Job Board API: ``/v1/boards/{token}/jobs[?content=true]`` and ``/jobs/{id}``.

Oddities kept: ``content`` is entity-escaped HTML (``&lt;p&gt;``, ``&amp;amp;``), dates carry
the office's local offset, salary and remote only live in ``content`` and ``metadata``.
"""

from __future__ import annotations

import html
from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import (
    BoardView,
    Reply,
    Request,
    iso_local,
    json_reply,
    numeric_id,
    stable_pick,
    with_salary,
    zone_for,
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/v1/boards/{token}/jobs?content=true"


def _job(view: BoardView, p: BoardPosting, content: bool) -> dict[str, Any]:
    zone = view.opt("zone", zone_for(view.spec.country))
    token = view.spec.token
    careers = view.opt("careers_url", "")
    url = (
        f"{careers}?gh_jid={p.source_offer_id}"
        if careers
        else f"https://job-boards.greenhouse.io/{token}/jobs/{p.source_offer_id}"
    )
    metadata: list[dict[str, Any]] = []
    if p.remote:
        value = word("remote", "greenhouse", p.remote)
        metadata.append(
            {"id": 1001, "name": "Workplace Type", "value": value, "value_type": "single_select"}
        )
    if p.contract_type:
        value = word("contract", "text", p.contract_type, view.spec.language)
        metadata.append(
            {"id": 1002, "name": "Employment Type", "value": value, "value_type": "single_select"}
        )
    job: dict[str, Any] = {
        "absolute_url": url,
        "data_compliance": [
            {
                "type": "gdpr",
                "requires_consent": False,
                "requires_processing_consent": False,
                "requires_retention_consent": False,
                "retention_period": None,
                "demographic_data_consent_applies": False,
            }
        ],
        "internal_job_id": 4_000_000 + stable_pick(p.source_offer_id, 999_983),
        "location": {"name": p.location_text},
        "metadata": metadata or None,
        "id": numeric_id(p.source_offer_id),
        "updated_at": iso_local(p.updated_at, zone),
        "requisition_id": p.source_offer_id[-6:],
        "title": p.title,
        "company_name": p.company,
        "first_published": iso_local(p.posted_at, zone),
        "language": p.language,
        "application_deadline": None,
    }
    if content:
        # The HTML is escaped once more on top of its own entities: "&amp;" becomes "&amp;amp;".
        job["content"] = html.escape(with_salary(p), quote=True)
        job["departments"] = []
        job["offices"] = [
            {
                "id": 5001,
                "name": p.city or p.location_text,
                "location": p.location_text,
                "child_ids": [],
                "parent_id": None,
            }
        ]
    return job


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Greenhouse request."""
    prefix = f"/v1/boards/{view.spec.token}/jobs"
    if req.path.rstrip("/") == prefix:
        content = req.arg("content", "false") == "true"
        jobs = [_job(view, p, content) for p in view.postings]
        return json_reply({"jobs": jobs, "meta": {"total": len(jobs)}}, conditional=True)
    if req.path.startswith(prefix + "/"):
        found = view.find(req.path[len(prefix) + 1 :])
        if found is not None:
            return json_reply(_job(view, found, True))
        return json_reply({"status": 404, "error": "Job not found"}, status=404)
    return json_reply({"status": 404, "error": "Not found"}, status=404)
