"""Flat XML feed job (Indeed ``<source><job>``, partner ``<jobs><job>``) -> posting.

Each schema field is read from the first present of a list of element names covering the
Indeed spec and the Remotive partner spec; a source renames them with option
``fields: {title: name, company: employer, ...}`` (a name or a list of names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import contract_hints, working_time_hints
from normalizers.mappings.common import build_posting, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "company": ("company", "company-name", "companyname", "employer"),
    "description": ("description", "body"),
    "url": ("url", "link"),
    "apply_url": ("applyurl", "apply-url", "apply_url"),
    "posted_at": ("date", "publication-date", "pubdate", "created"),
    "valid_through": ("expirationdate", "expiration-date", "expires"),
    "location": ("location", "hq-location", "candidate-location-restriction"),
    "city": ("city",),
    "region": ("state", "region"),
    "postal_code": ("postalcode", "postal-code", "zip"),
    "country": ("country",),
    "salary": ("salary",),
    "job_type": ("jobtype", "job-type", "employmenttype"),
    "remote": ("remotetype", "remote"),
}


def _names(options: Mapping[str, Any], field: str) -> Sequence[str]:
    custom = (options.get("fields") or {}).get(field)
    if isinstance(custom, str):
        return (custom,)
    if isinstance(custom, list):
        return [str(name) for name in custom]
    return DEFAULT_FIELDS[field]


def value_of(data: Mapping[str, Any], options: Mapping[str, Any], field: str) -> str | None:
    """The first non-empty element text among the field's names."""
    for name in _names(options, field):
        if found := text_of(data.get(name)):
            return found
    return None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one feed job."""
    data, opts = record.data, ctx.options

    def get(field: str) -> str | None:
        return value_of(data, opts, field)

    job_type = get("job_type")
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or get("url"),
        title=get("title"),
        company=get("company"),
        description_html_or_text=get("description"),
        location_text=get("location"),
        city=get("city"),
        postal_code=get("postal_code"),
        region=get("region"),
        country=get("country"),
        contract_texts=contract_hints(job_type),
        working_time_texts=working_time_hints(job_type),
        remote_texts=[get("remote")],
        salary_raw=get("salary"),
        posted_at=get("posted_at"),
        valid_through=get("valid_through"),
        apply_url=get("apply_url"),
    )
