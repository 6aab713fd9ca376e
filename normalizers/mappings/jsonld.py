"""schema.org ``JobPosting`` (JSON-LD) -> posting.

Values come in the shapes Google accepts and the wild adds: ``hiringOrganization`` as an
object or a name, ``jobLocation`` as one Place or a list (first one used; ``address`` as a
PostalAddress or text; ``addressCountry`` as a code or a Country object), ``employmentType``
as one value or a list, ``jobLocationType: TELECOMMUTE`` for remote jobs, ``baseSalary``
as a MonetaryAmount (or ``estimatedSalary``), and entity-escaped descriptions.
"""

from __future__ import annotations

from typing import Any

from aggregator.schema import Posting
from normalizers.fields.salary import salary_from_schema_org
from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import (
    contract_hints,
    joined,
    texts,
    working_time_hints,
)
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}


def _name(value: Any) -> str | None:
    """A Thing or its plain name (``hiringOrganization``, ``addressCountry``)."""
    if isinstance(value, dict):
        return text_of(value.get("name")) or text_of(value.get("@id"))
    return text_of(value)


def _place(data: dict[str, Any]) -> dict[str, Any]:
    place = data.get("jobLocation")
    if isinstance(place, list):
        place = next((item for item in place if isinstance(item, dict)), None)
    return place if isinstance(place, dict) else {}


def _location_text(address: Any) -> str | None:
    """``"75011 Paris, Île-de-France, FR"`` from a PostalAddress (text addresses as they are)."""
    if isinstance(address, str):
        return text_of(address)
    if not isinstance(address, dict):
        return None
    town = " ".join(
        part
        for part in (text_of(address.get("postalCode")), text_of(address.get("addressLocality")))
        if part
    )
    parts = [town, text_of(address.get("addressRegion")), _name(address.get("addressCountry"))]
    return ", ".join(part for part in parts if part) or None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one JobPosting."""
    data = record.data
    place = _place(data)
    address = place.get("address")
    parts = address if isinstance(address, dict) else {}
    salary_value = data.get("baseSalary") or data.get("estimatedSalary")
    salary = salary_from_schema_org(salary_value, currency_hint=ctx.currency)
    employment = texts(data.get("employmentType"))
    telecommute = "TELECOMMUTE" in (joined(data.get("jobLocationType")) or "").upper()
    applicant_area = joined(
        [_name(item) for item in _as_list(data.get("applicantLocationRequirements"))]
    )
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("url")),
        title=text_of(data.get("title")),
        company=_name(data.get("hiringOrganization")),
        description_html_or_text=text_of(data.get("description")),
        location_text=_location_text(address) or (applicant_area if telecommute else None),
        city=text_of(parts.get("addressLocality")),
        postal_code=text_of(parts.get("postalCode")),
        region=text_of(parts.get("addressRegion")),
        country=_name(parts.get("addressCountry")),
        latitude=dig(place, "geo", "latitude"),
        longitude=dig(place, "geo", "longitude"),
        contract_texts=contract_hints(*employment),
        working_time_texts=working_time_hints(*employment),
        remote_flag=True if telecommute else None,
        salary=salary,
        salary_raw=text_of(salary_value) if salary is None else None,
        posted_at=text_of(data.get("datePosted")),
        valid_through=text_of(data.get("validThrough")),
        apply_url=None,
        language=_language(data),
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _language(data: dict[str, Any]) -> str | None:
    declared = _name(data.get("inLanguage"))
    return declared[:2].lower() if declared and declared[:2].isalpha() else None
