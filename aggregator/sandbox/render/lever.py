"""Lever Postings API: ``/v0/postings/{token}?mode=json&skip=&limit=`` and ``/{id}``.

Oddities kept: epoch-millisecond ``createdAt``, employer-worded ``categories.commitment``,
``salaryRange`` present on some postings only, pages are bare JSON arrays (a short page ends).
"""

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
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/v0/postings/{token}?mode=json"


def _posting(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    host = "jobs.eu.lever.co" if view.opt("instance", "") == "eu" else "jobs.lever.co"
    hosted = f"https://{host}/{view.spec.token}/{p.source_offer_id}"
    commitment = word("contract", "lever", p.contract_type, view.spec.language)
    item: dict[str, Any] = {
        "additional": "",
        "additionalPlain": "",
        "categories": {
            "commitment": commitment,
            "location": p.location_text,
            "team": view.opt("team", "Operations"),
            "allLocations": [p.location_text],
        },
        "createdAt": epoch_ms(p.posted_at),
        "updatedAt": epoch_ms(p.updated_at),
        "descriptionPlain": plain(p.description_html),
        "description": p.description_html,
        "id": p.source_offer_id,
        "lists": [],
        "text": p.title,
        "country": p.country,
        "workplaceType": word("remote", "lever", p.remote) or "unspecified",
        "hostedUrl": hosted,
        "applyUrl": p.apply_url or hosted + "/apply",
    }
    if commitment is None:
        del item["categories"]["commitment"]
    if p.salary_min is not None and p.salary_currency and p.salary_period:
        item["salaryRange"] = {
            "currency": p.salary_currency,
            "interval": word("period", "lever", p.salary_period),
            "min": p.salary_min,
            "max": p.salary_max if p.salary_max is not None else p.salary_min,
        }
    if p.salary_text:
        item["salaryDescription"] = f"<div>{p.salary_text}</div>"
        item["salaryDescriptionPlain"] = p.salary_text
    return item


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Lever request."""
    prefix = f"/v0/postings/{view.spec.token}"
    if req.path.rstrip("/") == prefix:
        total = len(view.postings)
        limit = req.int_arg("limit", total)
        skip = req.int_arg("skip", 0)
        if view.endless:
            skip = 0  # the same full page forever
        items = [_posting(view, p) for p in page(view.postings, skip, limit)]
        return json_reply(items, conditional=True)
    if req.path.startswith(prefix + "/"):
        found = view.find(req.path[len(prefix) + 1 :])
        if found is not None:
            return json_reply(_posting(view, found))
    return json_reply({"ok": False, "error": "Document not found"}, status=404)
