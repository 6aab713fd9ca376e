"""RSS / Atom entry (as feedparser reads it) -> posting.

Feeds carry few fields, so the mapping looks in the places real job feeds use:
- We Work Remotely: ``"Company: Role"`` titles (split unless the source sets option
  ``title_company_split: false`` or the entry names its company elsewhere), ``region``
  (where the job is, or "Anywhere in the World"), ``country`` with flag emojis, ``type``
  (Full-Time, Contract...), ``expires_at``;
- partner feeds with an extension namespace (feedparser names ``<job:company>``
  ``job_company``): company, location, city, postalcode, country, contracttype,
  workingtime, remote, salary, validthrough;
- Atom: ``author`` as the company, ``content`` before ``summary``.
Option ``all_remote: true`` marks every offer of the source remote.
"""

from __future__ import annotations

from typing import Any

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.board_helpers import (
    contract_hints,
    split_company_title,
    without_flags,
    working_time_hints,
)
from normalizers.mappings.common import build_posting, dig, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}


def field(data: dict[str, Any], name: str) -> str | None:
    """An extension element by local name, whatever namespace prefix feedparser gave it."""
    value = text_of(data.get(name))
    if value is not None:
        return value
    suffix = f"_{name}"
    for key, item in data.items():
        if key.endswith(suffix) and (found := text_of(item)):
            return found
    return None


def _description(data: dict[str, Any]) -> str | None:
    for block in data.get("content") or []:
        if isinstance(block, dict) and (value := text_of(block.get("value"))):
            return value
    return text_of(data.get("summary")) or text_of(data.get("description"))


def _company_and_title(data: dict[str, Any], ctx: SourceContext) -> tuple[str | None, str | None]:
    title = text_of(data.get("title"))
    company = (
        field(data, "company")
        or text_of(data.get("author"))
        or text_of(dig(data, "author_detail", "name"))
    )
    if company is None and ctx.options.get("title_company_split", True):
        return split_company_title(title)
    return company, title


def _language(data: dict[str, Any]) -> str | None:
    """The entry's declared language (Atom ``xml:lang``, RSS ``<language>``), if any."""
    declared = text_of(dig(data, "title_detail", "language"))
    return declared[:2].lower() if declared and declared[:2].isalpha() else None


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one feed entry."""
    data = record.data
    company, title = _company_and_title(data, ctx)
    country = without_flags(field(data, "country"))
    region = text_of(data.get("region"))
    location = field(data, "location") or region
    kind = text_of(data.get("type"))
    contract = field(data, "contracttype")
    hours = field(data, "workingtime")
    remote = field(data, "remote")
    all_remote = ctx.options.get("all_remote")
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("link")),
        title=title,
        company=company,
        description_html_or_text=_description(data),
        location_text=location,
        city=field(data, "city"),
        postal_code=field(data, "postalcode"),
        region=text_of(data.get("state")),
        country=country if country and "," not in country else None,
        contract_texts=[contract, *contract_hints(kind)],
        working_time_texts=[hours, *working_time_hints(kind)],
        remote_texts=[region] if region and region != location else [],
        remote_flag=True if all_remote is True else remote,
        salary_raw=field(data, "salary"),
        posted_at=text_of(data.get("published")) or text_of(data.get("updated")),
        valid_through=field(data, "expires_at") or field(data, "validthrough"),
        language=_language(data),
    )
