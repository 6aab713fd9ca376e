"""RemoteOK job -> posting.

Every RemoteOK job is remote; ``salary_min``/``salary_max`` are yearly USD and ``0`` means
unknown. The description ends with an anti-spam paragraph ("Please mention the word
**AMELIORATE** ...") that is instructions to applicants, not the offer: it is cut.
Locations carry mojibake ("FlorianÃ³polis") and are repaired before they are resolved.
"""

from __future__ import annotations

import re

from aggregator.schema import Posting
from normalizers.fields.salary import salary_from_structured
from normalizers.fields.text import clean_inline
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {"language": "en", "currency": "USD", "timezone": "UTC"}
_ANTI_SPAM = re.compile(r"(?:<br\s*/?>\s*)*Please mention the word \*\*\w+\*\*.*\Z", re.S)


def _amount(value: object) -> float | None:
    """RemoteOK writes 0 for an unknown bound."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one RemoteOK job."""
    data = record.data
    low, high = _amount(data.get("salary_min")), _amount(data.get("salary_max"))
    salary = None
    if low is not None or high is not None:
        salary = salary_from_structured(low, high, "USD", "year")
    description = text_of(data.get("description"))
    if description:
        description = _ANTI_SPAM.sub("", description).strip() or None
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("url")),
        title=text_of(data.get("position")),
        company=text_of(data.get("company")),
        description_html_or_text=description,
        location_text=clean_inline(text_of(data.get("location"))),
        remote_flag=True,
        salary=salary,
        posted_at=data.get("date") or data.get("epoch"),
        apply_url=text_of(data.get("apply_url")),
    )
