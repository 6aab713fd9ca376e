"""Adzuna ``/v1/api/jobs/{country}/search/{page}?app_id=&app_key=&results_per_page=``.

Oddities kept: descriptions truncated to ~500 characters with "…", ``__CLASS__`` on every
object, ``salary_is_predicted`` as a string ("1": min == max, a model estimate).
"""

from __future__ import annotations

import base64
import os
import re
from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import (
    BoardView,
    Reply,
    Request,
    iso_z,
    json_reply,
    page,
    plain,
    stable_pick,
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/v1/api/jobs/{country}/search/1?results_per_page=50"
APP_ID_ENV, APP_KEY_ENV = "ADZUNA_APP_ID", "ADZUNA_APP_KEY"
DEFAULT_APP_ID, DEFAULT_APP_KEY = "sandbox-app", "sandbox-key"
_PATH = re.compile(r"^/v1/api/jobs/([a-z]{2})/search/(\d+)$")


def credentials(view: BoardView | None = None) -> tuple[str, str]:
    """The app id and key the sandbox accepts: env vars, else board options, else defaults."""
    options = view.spec.options if view is not None else {}
    return (
        os.environ.get(APP_ID_ENV, options.get("app_id", DEFAULT_APP_ID)),
        os.environ.get(APP_KEY_ENV, options.get("app_key", DEFAULT_APP_KEY)),
    )


def _salary(p: BoardPosting) -> dict[str, Any]:
    if p.salary_min is not None and p.salary_period in (None, "year"):
        high = p.salary_max if p.salary_max is not None else p.salary_min
        return {"salary_min": p.salary_min, "salary_max": high, "salary_is_predicted": "0"}
    if stable_pick(p.source_offer_id, 3) == 0:
        guess = 24000 + stable_pick(p.source_offer_id, 30000) + 0.19
        return {"salary_min": guess, "salary_max": guess, "salary_is_predicted": "1"}
    return {}


def _job(view: BoardView, p: BoardPosting, country: str) -> dict[str, Any]:
    text = plain(p.description_html)
    if len(text) > 500:
        text = text[:497].rstrip() + "…"
    area = [{"fr": "France", "gb": "UK", "de": "Deutschland"}.get(country, p.country)]
    area += [part for part in (p.region, p.city) if part]
    adref = (
        base64.urlsafe_b64encode(f'{{"ad":"{p.source_offer_id}"}}'.encode()).decode().rstrip("=")
    )
    job: dict[str, Any] = {
        "__CLASS__": "Adzuna::API::Response::Job",
        "id": p.source_offer_id,
        "title": p.title,
        "description": text,
        "created": iso_z(p.posted_at),
        "redirect_url": f"https://www.adzuna.{country}/land/ad/{p.source_offer_id}?se=sbx&v=1",
        "adref": adref,
        "company": {"__CLASS__": "Adzuna::API::Response::Company", "display_name": p.company},
        "location": {
            "__CLASS__": "Adzuna::API::Response::Location",
            "display_name": p.location_text,
            "area": area,
        },
        "category": {
            "__CLASS__": "Adzuna::API::Response::Category",
            "label": "Jobs",
            "tag": "other-general-jobs",
        },
        **_salary(p),
    }
    if p.latitude is not None and p.longitude is not None:
        job.update(latitude=p.latitude, longitude=p.longitude)
    contract = word("contract", "adzuna", p.contract_type)
    if contract and stable_pick(p.source_offer_id, 4):
        job["contract_type"] = contract
    if p.working_time:
        job["contract_time"] = p.working_time
    return job


def handle(view: BoardView, req: Request) -> Reply:
    """Route an Adzuna request."""
    match = _PATH.match(req.path)
    token = view.spec.token.lower()
    country = view.opt("country", token if len(token) == 2 else view.spec.country.lower())
    if match is None or match.group(1) != country:
        return json_reply(
            {"__CLASS__": "Adzuna::API::Response::Exception", "exception": "NOT_FOUND"}, status=404
        )
    if (req.arg("app_id"), req.arg("app_key")) != credentials(view):
        failed = {
            "__CLASS__": "Adzuna::API::Response::Exception",
            "display": "Authorisation failed",
            "exception": "AUTH_FAIL",
        }
        return json_reply(failed, status=401)
    per_page = req.int_arg("results_per_page", 10, lo=1, hi=50)
    asked = number = max(1, int(match.group(2)))
    total = len(view.postings)
    if view.endless:
        number = min(asked, max(1, -(-total // per_page)))
        total = max(total, asked * per_page + 1)
    items = page(view.postings, (number - 1) * per_page, per_page)
    salaries = [
        p.salary_min
        for p in view.postings
        if p.salary_min is not None and p.salary_period in (None, "year")
    ]
    body: dict[str, Any] = {
        "__CLASS__": "Adzuna::API::Response::JobSearchResults",
        "count": total,
        "mean": round(sum(salaries) / len(salaries), 2) if salaries else 0,
        "results": [_job(view, p, country) for p in items],
    }
    return json_reply(body)
