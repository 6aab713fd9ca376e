"""Ashby job -> posting.

Compensation (asked with ``includeCompensation=true``) is read from its ``Salary``
component (``interval`` "1 YEAR", ``currencyCode``, ``minValue``/``maxValue``); its summary
text is kept as ``salary_raw``. Equity and bonus components are ignored.
"""

from __future__ import annotations

from typing import Any

from aggregator.schema import Posting
from normalizers.fields.salary import Salary, salary_from_structured
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}


def _salary(compensation: Any) -> Salary | None:
    components = list(dig(compensation, "summaryComponents") or [])
    for tier in dig(compensation, "compensationTiers") or []:
        components.extend(dig(tier, "components") or [])
    for component in components:
        if dig(component, "compensationType") == "Salary":
            return salary_from_structured(
                dig(component, "minValue"),
                dig(component, "maxValue"),
                dig(component, "currencyCode"),
                dig(component, "interval"),
            )
    return None


def _remote_flag(data: dict[str, Any]) -> str | None:
    workplace = text_of(data.get("workplaceType"))
    if workplace:
        return workplace
    return "remote" if data.get("isRemote") is True else None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Ashby job."""
    data = record.data
    compensation = data.get("compensation")
    address = dig(data, "address", "postalAddress") or {}
    employment = text_of(data.get("employmentType"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("jobUrl")),
        title=text_of(data.get("title")),
        company=text_of(data.get("organizationName")),
        description_html_or_text=text_of(data.get("descriptionHtml"))
        or text_of(data.get("descriptionPlain")),
        location_text=text_of(data.get("location")),
        city=text_of(dig(address, "addressLocality")),
        postal_code=text_of(dig(address, "postalCode")),
        region=text_of(dig(address, "addressRegion")),
        country=text_of(dig(address, "addressCountry")),
        contract_texts=[employment],
        working_time_texts=[employment],
        remote_flag=_remote_flag(data),
        salary=_salary(compensation),
        salary_raw=text_of(dig(compensation, "scrapeableCompensationSalarySummary"))
        or text_of(dig(compensation, "compensationTierSummary")),
        posted_at=text_of(data.get("publishedAt")),
        apply_url=text_of(data.get("applyUrl")),
    )
