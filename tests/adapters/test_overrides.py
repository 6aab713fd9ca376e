"""Per-source overrides (catalogue `options`): they fill only what the offer leaves unsaid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aggregator.catalogue import catalogue_files, load_catalogue
from aggregator.schema import ContractType, Posting, Remote, SalaryPeriod, WorkingTime
from normalizers.fields.salary import Salary
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting
from normalizers.mappings.overrides import check_overrides, read_overrides


def _posting(options: dict[str, Any], **fields: Any) -> Posting:
    ctx = SourceContext(source="s", kind="jsonapi", country="FR", options=options)
    values: dict[str, Any] = {
        "source_offer_id": "1",
        "url": "https://example.org/1",
        "title": "Technicien de maintenance",
        **fields,
    }
    posting = build_posting(ctx, **values)
    assert posting is not None
    return posting


def test_default_contract_type_fills_only_a_silent_offer() -> None:
    options = {"default_contract_type": "CDI"}
    assert _posting(options).contract_type is ContractType.PERMANENT
    assert _posting(options, contract_texts=["CDD 6 mois"]).contract_type is ContractType.FIXED_TERM
    assert _posting({}).contract_type is None


def test_default_working_time_accepts_schema_values_and_wording() -> None:
    assert _posting({"default_working_time": "part_time"}).working_time is WorkingTime.PART_TIME
    assert _posting({"default_working_time": "Vollzeit"}).working_time is WorkingTime.FULL_TIME
    offer_says = _posting({"default_working_time": "part_time"}, working_time_texts=["Temps plein"])
    assert offer_says.working_time is WorkingTime.FULL_TIME


def test_default_remote_yields_to_the_offer() -> None:
    assert _posting({"default_remote": "remote"}).remote is Remote.REMOTE
    hybrid = _posting({"default_remote": "remote"}, remote_texts=["Télétravail partiel 2j/semaine"])
    assert hybrid.remote is Remote.HYBRID


def test_salary_period_hint_replaces_only_an_inferred_period() -> None:
    options = {"salary_period_hint": "month"}
    # 12 000 alone would be read as a year by magnitude; the board says its amounts are monthly
    monthly = _posting(options, salary_raw="12 000 €")
    assert (monthly.salary_min, monthly.salary_period) == (12000, SalaryPeriod.MONTH)
    assert _posting({}, salary_raw="12 000 €").salary_period is SalaryPeriod.YEAR
    stated = _posting(options, salary_raw="45 000 € brut annuel")
    assert stated.salary_period is SalaryPeriod.YEAR
    structured = Salary(30.0, 30.0, "EUR", SalaryPeriod.HOUR, period_inferred=False)
    assert _posting(options, salary=structured).salary_period is SalaryPeriod.HOUR


def test_default_country_fills_a_placeless_offer() -> None:
    assert _posting({"default_country": "fr"}, location_text="Télétravail").country == "FR"
    assert _posting({"default_country": "FR"}, location_text="Berlin, Germany").country == "DE"
    assert _posting({}, location_text="Télétravail").country is None


def test_company_override() -> None:
    assert _posting({"company": "Maison Lumen"}).company == "Maison Lumen"
    assert _posting({"company": "Maison Lumen"}, company="Lumen SAS").company == "Lumen SAS"


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"default_contract_type": "sometimes"}, "options.default_contract_type"),
        ({"default_remote": 3}, "options.default_remote"),
        ({"salary_period_hint": "fortnight"}, "options.salary_period_hint"),
        ({"default_country": "France"}, "options.default_country"),
    ],
)
def test_unusable_overrides_are_reported_and_ignored(options: dict[str, Any], problem: str) -> None:
    (message,) = check_overrides(options)
    assert message.startswith(problem)
    assert _posting(options).contract_type is None and _posting(options).remote is None


@pytest.mark.parametrize("path", catalogue_files(), ids=lambda p: Path(p).name)
def test_every_catalogue_override_is_usable(path: Path) -> None:
    catalogue = load_catalogue(path, sandbox_url="http://127.0.0.1:8765")
    for entry in catalogue:
        assert check_overrides(entry.options) == [], entry.key
        read_overrides(entry.options)
