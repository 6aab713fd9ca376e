"""Ashby posting API: ``/posting-api/job-board/{token}?includeCompensation=true`` (one payload)."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, json_reply, plain
from aggregator.sandbox.render.vocab import word

ENTRY = "/posting-api/job-board/{token}?includeCompensation=true"

_SYMBOL = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF "}


def _short(amount: float, currency: str) -> str:
    symbol = _SYMBOL.get(currency, currency + " ")
    return f"{symbol}{amount / 1000:.0f}K" if amount >= 1000 else f"{symbol}{amount:.2f}"


def _compensation(p: BoardPosting) -> dict[str, Any]:
    if p.salary_min is None or not p.salary_currency:
        return {
            "compensationTierSummary": None,
            "scrapeableCompensationSalarySummary": None,
            "compensationTiers": [],
        }
    high = p.salary_max if p.salary_max is not None else p.salary_min
    summary = f"{_short(p.salary_min, p.salary_currency)} – {_short(high, p.salary_currency)}"
    component = {
        "id": f"comp-{p.source_offer_id}",
        "summary": summary,
        "compensationType": "Salary",
        "interval": word("period", "ashby", p.salary_period) or "1 YEAR",
        "currencyCode": p.salary_currency,
        "minValue": p.salary_min,
        "maxValue": high,
    }
    tier = {
        "id": f"tier-{p.source_offer_id}",
        "tierSummary": summary,
        "title": None,
        "additionalInformation": None,
        "components": [component],
    }
    return {
        "compensationTierSummary": summary,
        "scrapeableCompensationSalarySummary": summary.replace("–", "-"),
        "compensationTiers": [tier],
    }


def _job(view: BoardView, p: BoardPosting, compensation: bool) -> dict[str, Any]:
    url = f"https://jobs.ashbyhq.com/{view.spec.token}/{p.source_offer_id}"
    address = {"addressLocality": p.city, "addressRegion": p.region, "addressCountry": p.country}
    job: dict[str, Any] = {
        "id": p.source_offer_id,
        "title": p.title,
        "department": view.opt("department", "General"),
        "team": view.opt("team", "General"),
        "employmentType": word("contract", "ashby", p.contract_type)
        if p.working_time != "part_time"
        else "PartTime",
        "location": p.location_text,
        "secondaryLocations": [],
        "address": {
            "postalAddress": {**address, **({"postalCode": p.postal_code} if p.postal_code else {})}
        },
        "isRemote": p.remote == "remote",
        "workplaceType": word("remote", "ashby", p.remote),
        "publishedAt": p.posted_at.isoformat(timespec="milliseconds"),
        "isListed": True,
        "jobUrl": url,
        "applyUrl": p.apply_url or url + "/application",
        "descriptionHtml": p.description_html,
        "descriptionPlain": plain(p.description_html),
        "shouldDisplayCompensationOnJobPostings": p.salary_min is not None,
    }
    if compensation:
        job["compensation"] = _compensation(p)
    return job


def handle(view: BoardView, req: Request) -> Reply:
    """Route an Ashby request."""
    if req.path.rstrip("/") != f"/posting-api/job-board/{view.spec.token}":
        return json_reply({"success": False, "errors": ["Job board not found"]}, status=404)
    compensation = req.arg("includeCompensation", "false") == "true"
    jobs = [_job(view, p, compensation) for p in view.postings]
    return json_reply({"apiVersion": "1", "jobs": jobs}, conditional=True)
