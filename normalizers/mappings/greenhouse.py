"""Greenhouse job -> posting.

Salary, remote work and contract have no first-class fields: they come from the board's
own ``metadata`` entries (names differ per board, e.g. "Workplace Type", "Employment Type")
and the title. ``first_published`` is the publish date on newer boards; older boards only
have ``updated_at``, used as the best available date.
"""

from __future__ import annotations

from typing import Any

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}
_CONTRACT_KEYS = ("employment type", "contract", "job type", "type de contrat")
_HOURS_KEYS = ("employment type", "time type", "schedule", "working time")
_REMOTE_KEYS = ("workplace", "remote", "location type", "work type")


def _metadata(data: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    """Values of the metadata entries whose name contains one of ``keys``."""
    found: list[str] = []
    for entry in data.get("metadata") or []:
        name = text_of(dig(entry, "name"))
        if not name or not any(key in name.lower() for key in keys):
            continue
        value = dig(entry, "value")
        values = value if isinstance(value, list) else [value]
        found.extend(text for text in (text_of(v) for v in values) if text)
    return found


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Greenhouse job (listing with ``content=true`` or detail)."""
    data = record.data
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("absolute_url")),
        title=text_of(data.get("title")),
        company=text_of(data.get("company_name")),
        description_html_or_text=text_of(data.get("content")),
        location_text=text_of(dig(data, "location", "name"))
        or text_of(dig(data, "offices", 0, "location")),
        contract_texts=_metadata(data, _CONTRACT_KEYS),
        working_time_texts=_metadata(data, _HOURS_KEYS),
        remote_texts=_metadata(data, _REMOTE_KEYS),
        remote_from_description=True,
        salary_from_description=True,
        posted_at=text_of(data.get("first_published")) or text_of(data.get("updated_at")),
        valid_through=text_of(data.get("application_deadline")),
        language=text_of(data.get("language")),
    )
