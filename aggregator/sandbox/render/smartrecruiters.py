"""SmartRecruiters Posting API: ``/v1/companies/{token}/postings?limit=&offset=`` and ``/{id}``.

The list is a ListResult ``{offset, limit, totalFound, content}`` with at most 100 per page;
the text lives only in the detail's ``jobAd.sections``.
"""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import (
    BoardView,
    Reply,
    Request,
    iso_z,
    json_reply,
    page,
    slug,
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/v1/companies/{token}/postings?limit=100&offset=0"


def _summary(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    token = view.spec.token
    return {
        "id": p.source_offer_id,
        "name": p.title,
        "uuid": f"00000000-0000-4000-8000-{p.source_offer_id[-12:].rjust(12, '0')}",
        "jobAdId": f"ad-{p.source_offer_id}",
        "defaultJobAd": True,
        "refNumber": f"REF{p.source_offer_id[-6:]}",
        "company": {"identifier": token, "name": p.company},
        "releasedDate": iso_z(p.posted_at, ms=True),
        "location": {
            "city": p.city or "",
            "region": p.region or "",
            "country": p.country.lower(),
            "remote": p.remote == "remote",
            "latitude": str(p.latitude) if p.latitude is not None else None,
            "longitude": str(p.longitude) if p.longitude is not None else None,
            **({"postalCode": p.postal_code} if p.postal_code else {}),
        },
        "industry": {"id": "staffing_and_recruiting", "label": "Staffing and Recruiting"},
        "department": {},
        "function": {"id": "other", "label": "Other"},
        "typeOfEmployment": {
            "label": word("contract", "smartrecruiters", p.contract_type) or "Other"
        },
        "experienceLevel": {"id": "mid_senior_level", "label": "Mid-Senior Level"},
        "customField": [],
        "ref": f"{view.base_url}/v1/companies/{token}/postings/{p.source_offer_id}",
        "creator": {"name": "Recruiting Team"},
        "language": {"code": p.language, "label": p.language, "labelNative": p.language},
    }


def _detail(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    item = _summary(view, p)
    url = f"https://jobs.smartrecruiters.com/{view.spec.token}/{p.source_offer_id}-{slug(p.title)}"
    extra = f"<p>{p.salary_text}</p>" if p.salary_text else ""
    item.update(
        {
            "active": True,
            "postingUrl": url,
            "applyUrl": p.apply_url or url + "?oga=true",
            "jobAd": {
                "sections": {
                    "companyDescription": {
                        "title": "Company Description",
                        "text": f"<p>{p.company}</p>",
                    },
                    "jobDescription": {"title": "Job Description", "text": p.description_html},
                    "qualifications": {"title": "Qualifications", "text": ""},
                    "additionalInformation": {"title": "Additional Information", "text": extra},
                }
            },
        }
    )
    return item


def handle(view: BoardView, req: Request) -> Reply:
    """Route a SmartRecruiters request."""
    prefix = f"/v1/companies/{view.spec.token}/postings"
    if req.path.rstrip("/") == prefix:
        limit = req.int_arg("limit", 10, lo=1, hi=100)
        offset = req.int_arg("offset", 0)
        total = len(view.postings)
        if view.endless:
            total = max(total, offset + limit + 1)
            offset = min(offset, max(0, len(view.postings) - limit))
        content = [_summary(view, p) for p in page(view.postings, offset, limit)]
        body = {"offset": offset, "limit": limit, "totalFound": total, "content": content}
        return json_reply(body, conditional=True)
    if req.path.startswith(prefix + "/"):
        found = view.find(req.path[len(prefix) + 1 :])
        if found is not None:
            return json_reply(_detail(view, found))
    return json_reply({"message": "Job posting not found", "code": "NOT_FOUND"}, status=404)
