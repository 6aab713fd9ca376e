"""Salary normalizer on real-world strings from the boards' formats, and the labelled corpus."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from aggregator.schema import SalaryPeriod
from normalizers.fields.salary import (
    Salary,
    corpus_case,
    normalize_period,
    parse_salary_text,
    salary_from_schema_org,
    salary_from_structured,
)

CORPUS = Path(__file__).parents[1] / "corpus" / "salary.jsonl"
YEAR, MONTH, DAY, HOUR = (
    SalaryPeriod.YEAR,
    SalaryPeriod.MONTH,
    SalaryPeriod.DAY,
    SalaryPeriod.HOUR,
)


def triple(salary: Salary | None) -> tuple[Any, ...] | None:
    """The parts a reader checks first: bounds, currency, period."""
    if salary is None:
        return None
    return (salary.min, salary.max, salary.currency, salary.period)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35\u00a0000 € brut annuel", (35000, 35000, "EUR", YEAR)),
        ("35\u202f000\u202f€ brut annuel", (35000, 35000, "EUR", YEAR)),
        ("35K€", (35000, 35000, "EUR", YEAR)),
        ("45-55 k€", (45000, 55000, "EUR", YEAR)),
        ("De 2000 à 2500 Euros par mois", (2000, 2500, "EUR", MONTH)),
        ("Mensuel de 1833.0 Euros à 2250.0 Euros sur 12.0 mois", (1833, 2250, "EUR", MONTH)),
        ("Annuel de 40000,00 Euros à 45000,00 Euros", (40000, 45000, "EUR", YEAR)),
        ("Horaire de 12.06 Euros", (12.06, 12.06, "EUR", HOUR)),
        ("Horaire de 12.06 Euros sur 12.0 mois", (12.06, 12.06, "EUR", HOUR)),
        ("A partir de 34 k€", (34000, None, "EUR", YEAR)),
        ("jusqu'à 50 000 €", (None, 50000, "EUR", YEAR)),
        ("25 - 45 k€ brut annuel", (25000, 45000, "EUR", YEAR)),
        ("£30k - £40k", (30000, 40000, "GBP", YEAR)),
        ("$150-190k", (150000, 190000, "USD", YEAR)),
        ("€65.000—€80.000 EUR", (65000, 80000, "EUR", YEAR)),
        ("Spain Annual Pay Range€65.000—€80.000 EUR", (65000, 80000, "EUR", YEAR)),
        ("60.000 € – 75.000 €", (60000, 75000, "EUR", YEAR)),
        ("50.000 - 70.000EUR", (50000, 70000, "EUR", YEAR)),
        ("$81K – $87K • 0.5% – 1.75% • Offers Bonus", (81000, 87000, "USD", YEAR)),
        ("$40,000 - $50,000", (40000, 50000, "USD", YEAR)),
        ("$123,684—$254,644 USD", (123684, 254644, "USD", YEAR)),
        ("$40-50K per year", (40000, 50000, "USD", YEAR)),
        ("45.000 € - 55.000 € pro Jahr", (45000, 55000, "EUR", YEAR)),
        ("3.500 € brutto monatlich", (3500, 3500, "EUR", MONTH)),
        ("ab 50.000 €", (50000, None, "EUR", YEAR)),
        ("bis zu 60k €", (None, 60000, "EUR", YEAR)),
        ("€500 par jour / TJM 500€", (500, 500, "EUR", DAY)),
    ],
)
def test_real_world_salary_strings(text: str, expected: tuple[Any, ...]) -> None:
    assert triple(parse_salary_text(text)) == expected


@pytest.mark.parametrize(
    "text",
    ["0", "Selon profil", "Selon expérience", "Competitive", "Négociable", "", "   ", None],
)
def test_unknown_salary_wording_is_none(text: str | None) -> None:
    assert parse_salary_text(text) is None


@pytest.mark.parametrize(
    ("text", "amount"),
    [("Horaire de 12,06 Euros", 12.06), ("40.000 €", 40000), ("1.5k €", 1500)],
)
def test_decimal_and_thousands_separators(text: str, amount: float) -> None:
    salary = parse_salary_text(text)
    assert salary is not None and salary.min == pytest.approx(amount)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bac+2 exigé, 30 k€", (30000, 30000, "EUR", YEAR)),
        ("35h/semaine, 1 800 € brut", (1800, 1800, "EUR", MONTH)),
        ("13ème mois, 2000 € brut mensuel", (2000, 2000, "EUR", MONTH)),
    ],
)
def test_numbers_that_are_not_pay_are_skipped(text: str, expected: tuple[Any, ...]) -> None:
    assert triple(parse_salary_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$40/hour - $50/hour", (40, 50, "USD", HOUR)),
        ("45 k€ brut - 55 k€ brut", (45000, 55000, "EUR", YEAR)),
        ("2000 € par mois à 2500 € par mois", (2000, 2500, "EUR", MONTH)),
    ],
)
def test_range_with_words_repeated_on_each_bound(text: str, expected: tuple[Any, ...]) -> None:
    assert triple(parse_salary_text(text)) == expected


def test_stated_period_is_not_marked_inferred() -> None:
    salary = parse_salary_text("De 2000 à 2500 Euros par mois")
    assert salary is not None and salary.period_inferred is False


@pytest.mark.parametrize(
    ("text", "period"),
    [("12 €", HOUR), ("450 €", DAY), ("2 300 €", MONTH), ("38 000 €", YEAR)],
)
def test_period_inferred_from_euro_magnitude(text: str, period: SalaryPeriod) -> None:
    salary = parse_salary_text(text)
    assert salary is not None and (salary.period, salary.period_inferred) == (period, True)


def test_period_inference_scales_with_currency() -> None:
    salary = parse_salary_text("5 000 000 HUF")
    assert salary is not None and salary.period == YEAR


def test_currency_hint_used_only_without_symbol() -> None:
    assert triple(parse_salary_text("45 k", currency_hint="CHF")) == (45000, 45000, "CHF", YEAR)
    salary = parse_salary_text("£45k", currency_hint="EUR")
    assert salary is not None and salary.currency == "GBP"


def test_absurd_amount_is_rejected() -> None:
    assert parse_salary_text("50 000 000 000 € par an") is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((80000, 120000, "USD", "per-year-salary"), (80000, 120000, "USD", YEAR)),
        ((4000, 5000, "EUR", "per-month-salary"), (4000, 5000, "EUR", MONTH)),
        ((25, 35, "USD", "per-hour-wage"), (25, 35, "USD", HOUR)),
        ((81000, 87000, "USD", "1 YEAR"), (81000, 87000, "USD", YEAR)),
        (("67500", "79000", "USD", None), (67500, 79000, "USD", YEAR)),
        ((3000, 2500, "eur", "month"), (2500, 3000, "EUR", MONTH)),
        ((150, 190000, "USD", "year"), (150000, 190000, "USD", YEAR)),
    ],
)
def test_structured_fields(args: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    assert triple(salary_from_structured(*args)) == expected


@pytest.mark.parametrize(
    "args",
    [(0, 0, "USD", "year"), (None, None, "USD", "year"), (math.nan, math.inf, "EUR", None)],
)
def test_structured_unknown_is_none(args: tuple[Any, ...]) -> None:
    assert salary_from_structured(*args) is None


@pytest.mark.parametrize(
    ("unit", "period"),
    [("per-week-salary", SalaryPeriod.WEEK), ("1 MONTH", MONTH), ("HOUR", HOUR), ("NONE", None)],
)
def test_normalize_period(unit: str, period: SalaryPeriod | None) -> None:
    assert normalize_period(unit) == period


def test_schema_org_quantitative_range() -> None:
    base = {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 40000,
            "maxValue": 50000,
            "unitText": "YEAR",
        },
    }
    assert triple(salary_from_schema_org(base)) == (40000, 50000, "EUR", YEAR)


def test_schema_org_single_value_per_hour() -> None:
    base = {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {"@type": "QuantitativeValue", "value": 40.0, "unitText": "HOUR"},
    }
    assert triple(salary_from_schema_org(base)) == (40, 40, "USD", HOUR)


def test_schema_org_text_value_with_k_on_one_bound() -> None:
    base = {"@type": "MonetaryAmount", "currency": "USD", "value": "$150-190k"}
    assert triple(salary_from_schema_org(base)) == (150000, 190000, "USD", YEAR)


@pytest.mark.parametrize(
    "junk", [{}, [], "junk", True, {"value": {"value": []}}, [None, 3j], object()]
)
def test_schema_org_junk_is_none(junk: Any) -> None:
    assert salary_from_schema_org(junk) is None


def _corpus() -> list[dict[str, Any]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_corpus_is_large_enough() -> None:
    assert len(_corpus()) >= 100


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float | int) and not isinstance(want, bool):
        return isinstance(got, float | int) and math.isclose(got, want, rel_tol=0.01)
    return bool(got == want)


@pytest.mark.parametrize("case", _corpus(), ids=lambda case: case["id"])
def test_corpus_case(case: dict[str, Any]) -> None:
    got = corpus_case(case["input"])
    wrong = {k: (got.get(k), v) for k, v in case["expected"].items() if not _same(got.get(k), v)}
    assert not wrong, f"{case['input']}: (got, expected) {wrong}"
