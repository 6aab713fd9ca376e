"""Generic JSON API item -> posting, driven by catalogue option ``fields``.

``fields`` maps a schema field to a dotted path in the item (or a list of paths, first
present wins). The defaults read the documented generic shape ``{"data": [...]}`` items:
``title``, ``company`` (a name or ``{"name"}``), ``location`` (text, or an object with
``label``/``city``/``postal_code``/``region``/``country``/``lat``/``lon``), ``salary``
(text, or ``{min, max, currency, period}``), ``contract``, ``working_time``, ``remote``,
``description_html``/``description``, ``published_at``, ``expires_at``, ``url``, ``apply_url``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aggregator.schema import Posting
from normalizers.fields.salary import Salary, salary_from_structured
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, text_of
from spiders.parsers.base import RawRecord
from spiders.parsers.bodyutil import get_path

CONTEXT_DEFAULTS: dict[str, str] = {}
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "name"),
    "company": ("company.name", "company", "company_name"),
    "description": ("description_html", "description"),
    "location": ("location.label", "location"),
    "city": ("location.city", "city"),
    "postal_code": ("location.postal_code", "postal_code"),
    "region": ("location.region", "region"),
    "country": ("location.country", "country"),
    "latitude": ("location.lat", "latitude"),
    "longitude": ("location.lon", "longitude"),
    "salary": ("salary_text", "salary"),
    "salary_min": ("salary.min", "salary_min"),
    "salary_max": ("salary.max", "salary_max"),
    "salary_currency": ("salary.currency", "salary_currency", "currency"),
    "salary_period": ("salary.period", "salary_period"),
    "contract": ("contract", "contract_type", "employment_type"),
    "working_time": ("working_time",),
    "remote": ("remote",),
    "posted_at": ("published_at", "posted_at", "date", "created_at"),
    "valid_through": ("expires_at", "valid_through"),
    "url": ("url",),
    "apply_url": ("apply_url",),
    "language": ("language",),
}


def _paths(options: Mapping[str, Any], field: str) -> Sequence[str]:
    custom = (options.get("fields") or {}).get(field)
    if isinstance(custom, str):
        return (custom,)
    if isinstance(custom, list):
        return [str(path) for path in custom]
    return DEFAULT_FIELDS[field]


def value_at(item: Mapping[str, Any], options: Mapping[str, Any], field: str) -> Any:
    """The first present scalar value among the field's paths (objects are skipped)."""
    for path in _paths(options, field):
        value = get_path(item, path)
        if value is not None and value != "" and not isinstance(value, dict | list):
            return value
    return None


def _salary(
    item: Mapping[str, Any], options: Mapping[str, Any], ctx: SourceContext
) -> Salary | None:
    low, high = value_at(item, options, "salary_min"), value_at(item, options, "salary_max")
    if low is None and high is None:
        return None
    currency = text_of(value_at(item, options, "salary_currency")) or ctx.currency
    return salary_from_structured(low, high, currency, value_at(item, options, "salary_period"))


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one generic JSON item."""
    item, opts = record.data, ctx.options

    def get(field: str) -> str | None:
        return text_of(value_at(item, opts, field))

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
        latitude=value_at(item, opts, "latitude"),
        longitude=value_at(item, opts, "longitude"),
        contract_texts=[get("contract")],
        working_time_texts=[get("working_time")],
        remote_flag=get("remote"),
        salary=_salary(item, opts, ctx),
        salary_raw=get("salary"),
        posted_at=value_at(item, opts, "posted_at"),
        valid_through=value_at(item, opts, "valid_through"),
        apply_url=get("apply_url"),
        language=get("language"),
    )
