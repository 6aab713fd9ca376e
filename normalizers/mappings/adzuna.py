"""Adzuna search result -> posting.

``location.area`` runs from country to district (["UK", "London", "South West London",
"Fulham"]). A salary with ``salary_is_predicted == "1"`` is Adzuna's model estimate, not
the employer's: it is left out. Amounts have no currency: it is the catalogue's, else the
one of the search country (``ctx.country``). The description is truncated by Adzuna.
"""

from __future__ import annotations

from functools import cache

from aggregator.schema import Posting
from normalizers.fields.salary import Salary, salary_from_structured
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, text_of
from normalizers.vocab import load_vocab
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {}


@cache
def _currencies() -> dict[str, str]:
    """Currency of each Adzuna search country (``data/vocab/adzuna_currencies.yaml``)."""
    return {str(k).upper(): str(v) for k, v in load_vocab("adzuna_currencies").items()}


def _salary(data: dict[str, object], ctx: SourceContext) -> Salary | None:
    if str(data.get("salary_is_predicted", "0")).strip() == "1":
        return None
    if data.get("salary_min") is None and data.get("salary_max") is None:
        return None
    currency = ctx.currency or _currencies().get((ctx.country or "").upper())
    return salary_from_structured(data.get("salary_min"), data.get("salary_max"), currency, None)


def _contract(data: dict[str, object]) -> str | None:
    """``contract_type`` is "permanent" or "contract"; "contract" is any non-permanent job.

    Adzuna folds CDD, intérim and freelance into "contract" (the sandbox's truth splits it
    about evenly between fixed-term and temporary), so it names no family: the description
    ("Contrat : CDD") tells it, else the contract type stays null.
    """
    value = text_of(data.get("contract_type"))
    return None if value is not None and value.lower() == "contract" else value


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one Adzuna result."""
    data = record.data
    area = [text_of(part) for part in dig(data, "location", "area") or []]
    area = [part for part in area if part]
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url or text_of(data.get("redirect_url")),
        title=text_of(data.get("title")),
        company=text_of(dig(data, "company", "display_name")),
        description_html_or_text=text_of(data.get("description")),
        location_text=text_of(dig(data, "location", "display_name")),
        city=area[-1] if len(area) > 1 else None,
        region=area[1] if len(area) > 2 else None,
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        contract_texts=[_contract(data)],
        working_time_texts=[text_of(data.get("contract_time"))],
        remote_from_description=True,
        salary=_salary(data, ctx),
        posted_at=text_of(data.get("created")),
    )
