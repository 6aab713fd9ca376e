"""Per-source overrides: the few normalization facts a catalogue entry may state in ``options``.

A board that says nothing about a field the whole board shares (every offer is a CDI, every
offer is remote, amounts are monthly) can say it once in its catalogue entry instead of in
shared code. The set is small and explicit (see ``docs/normalization.md``); what the offer
itself says always wins over a default, and an override a source cannot use is reported by
:func:`check_overrides` rather than silently ignored.

Overrides read by :func:`normalizers.mappings.common.build_posting`:

- ``company``: company name when the record has none (Lever has none at all);
- ``default_contract_type`` / ``default_working_time`` / ``default_remote``: the value when
  the offer states none (a schema value such as ``permanent``, or any wording the field
  normalizer reads, such as ``CDI`` or ``Teilzeit``);
- ``salary_period_hint``: the period of amounts that state none (instead of inferring it
  from the magnitude);
- ``default_country``: the country when the location gives none (ISO 3166-1 alpha-2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aggregator.schema import ContractType, Remote, SalaryPeriod, WorkingTime
from normalizers.fields.contract import parse_contract_type
from normalizers.fields.remote import parse_remote
from normalizers.fields.salary import normalize_period
from normalizers.fields.working_time import parse_working_time

_COUNTRY = re.compile(r"^[A-Z]{2}$")
NAMES: tuple[str, ...] = (
    "company",
    "default_contract_type",
    "default_working_time",
    "default_remote",
    "salary_period_hint",
    "default_country",
)


@dataclass(frozen=True, slots=True)
class Overrides:
    """The overrides of one source, read and checked."""

    company: str | None = None
    contract_type: ContractType | None = None
    working_time: WorkingTime | None = None
    remote: Remote | None = None
    salary_period: SalaryPeriod | None = None
    country: str | None = None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _contract(value: Any) -> ContractType | None:
    text = _text(value)
    if text is None:
        return None
    return ContractType(text) if text in set(ContractType) else parse_contract_type(text)


def _working_time(value: Any) -> WorkingTime | None:
    text = _text(value)
    if text is None:
        return None
    return WorkingTime(text) if text in set(WorkingTime) else parse_working_time(text)


def _remote(value: Any) -> Remote | None:
    text = _text(value)
    if text is None:
        return None
    return Remote(text) if text in set(Remote) else parse_remote(text)


def _country(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text and _COUNTRY.match(text.upper()) else None


def read_overrides(options: Mapping[str, Any]) -> Overrides:
    """The overrides present in ``options`` (unknown or unreadable values are left out)."""
    if not any(name in options for name in NAMES):
        return _NONE
    return Overrides(
        company=_text(options.get("company")),
        contract_type=_contract(options.get("default_contract_type")),
        working_time=_working_time(options.get("default_working_time")),
        remote=_remote(options.get("default_remote")),
        salary_period=normalize_period(_text(options.get("salary_period_hint"))),
        country=_country(options.get("default_country")),
    )


def check_overrides(options: Mapping[str, Any]) -> list[str]:
    """One message per override whose value cannot be used (for catalogue checks)."""
    read = read_overrides(options)
    fields = {
        "company": read.company,
        "default_contract_type": read.contract_type,
        "default_working_time": read.working_time,
        "default_remote": read.remote,
        "salary_period_hint": read.salary_period,
        "default_country": read.country,
    }
    return [
        f"options.{name}: cannot use {options[name]!r}"
        for name, value in fields.items()
        if name in options and value is None
    ]


_NONE = Overrides()
