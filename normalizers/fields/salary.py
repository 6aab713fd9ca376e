"""Salary normalizer: free text, structured source fields and schema.org ``baseSalary``.

Public API: :class:`Salary`, :func:`parse_salary_text`, :func:`salary_from_structured`,
:func:`salary_from_schema_org`, :func:`corpus_case`. None of them raises on any input.

Rules (copied into the docs):

- A single amount without "from" / "up to" wording is a fixed pay: ``min == max``.
  "à partir de", "from", "ab", "dès", a trailing "+" make a min only; "jusqu'à", "up to",
  "bis zu" a max only. ``0`` and wording without an amount ("Selon profil", "Competitive",
  "Négociable") are unknown: None.
- Period inference, when neither the text nor the structured unit states one: the upper bound
  (else the lower) is converted to euros with a rough per-currency factor
  (``data/vocab/salary.yaml: per_eur``) and read as **hour if < 100, day if < 1 000,
  month if < 10 000, otherwise year**; ``period_inferred`` is then True.
- Plausibility: amounts are annualized (hour x 1820, day x 220, week x 52, month x 12) in
  euro-equivalent; a bound above 10 million a year rejects the salary, a lower bound below 300
  a year is dropped. ``min > max`` is swapped. A range whose max is over 50 times its min had a
  lost "k" (``150`` .. ``190000`` becomes ``150000`` .. ``190000``) or else loses its min.
- Currency: the first symbol, code or word in the text ("€", "$", "£", "EUR", "Euros"),
  else ``currency_hint``; "$" means USD.
"""

from __future__ import annotations

import math
from typing import Any

from aggregator.schema import SalaryPeriod
from normalizers.fields.salary_model import Salary, build_salary, normalize_currency
from normalizers.fields.salary_text import parse_amount, parse_salary_text
from normalizers.fields.salary_vocab import salary_vocab

__all__ = [
    "Salary",
    "corpus_case",
    "normalize_period",
    "parse_salary_text",
    "salary_from_schema_org",
    "salary_from_structured",
]

_STRUCTURED_KEYS = frozenset({"min", "max", "unit", "period", "interval"})


def _amount(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return parse_amount(value)
    return None


def normalize_period(unit: Any) -> SalaryPeriod | None:
    """A period from a source's unit or interval value (``"per-year-salary"``, ``"1 YEAR"``)."""
    if isinstance(unit, SalaryPeriod):
        return unit
    if not isinstance(unit, str):
        return None
    return salary_vocab().units.get(" ".join(unit.lower().split()))


def salary_from_structured(
    min_value: Any, max_value: Any, currency: Any, unit: Any
) -> Salary | None:
    """A :class:`Salary` from separate fields (Lever, Ashby, Recruitee, RemoteOK, Jobicy...).

    Amounts may be numbers or strings (``"67500"``); 0 and None mean unknown. ``unit`` is the
    source's interval word; an unknown unit leaves the period to inference.
    """
    return build_salary(
        _amount(min_value), _amount(max_value), normalize_currency(currency), normalize_period(unit)
    )


def _from_text_value(text: str, currency: str | None, unit: Any) -> Salary | None:
    parsed = parse_salary_text(text, currency_hint=currency)
    if parsed is None:
        return None
    period = parsed.period if not parsed.period_inferred else normalize_period(unit)
    return build_salary(parsed.min, parsed.max, parsed.currency, period)


def _from_mapping(data: dict[str, Any], currency_hint: str | None) -> Salary | None:
    currency = data.get("currency") or data.get("salaryCurrency") or currency_hint
    unit = data.get("unitText")
    value = data.get("value", data)
    if isinstance(value, list):
        value = next((item for item in value if item is not None), None)
    if isinstance(value, dict):
        unit = value.get("unitText") or unit
        currency = value.get("currency") or currency
        low, high = value.get("minValue"), value.get("maxValue")
        single = value.get("value") if low is None and high is None else None
    else:
        low = high = None
        single = value
    currency_code = normalize_currency(currency)
    if isinstance(single, str):
        return _from_text_value(single, currency_code, unit)
    if single is not None:
        low = high = single
    return salary_from_structured(low, high, currency_code, unit)


def salary_from_schema_org(base_salary: Any, *, currency_hint: str | None = None) -> Salary | None:
    """A :class:`Salary` from a schema.org ``baseSalary`` / ``estimatedSalary`` value.

    Accepts a ``MonetaryAmount`` whose ``value`` is a number, a string or a
    ``QuantitativeValue`` (``value`` or ``minValue``/``maxValue``, ``unitText``), a list of
    those, a bare number or a free-text string; anything else gives None.
    """
    try:
        if isinstance(base_salary, list):
            for item in base_salary:
                found = salary_from_schema_org(item, currency_hint=currency_hint)
                if found is not None:
                    return found
            return None
        if isinstance(base_salary, str):
            return parse_salary_text(base_salary, currency_hint=currency_hint)
        if isinstance(base_salary, dict):
            return _from_mapping(base_salary, currency_hint)
        return salary_from_structured(base_salary, base_salary, currency_hint, None)
    except RecursionError:
        return None


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Run the normalizer on one labelled-corpus input (see ``tests/corpus/salary.jsonl``)."""
    hint = input.get("currency_hint")
    structured = input.get("structured")
    salary: Salary | None = None
    if isinstance(structured, dict) and _STRUCTURED_KEYS & structured.keys():
        unit = structured.get("unit", structured.get("period", structured.get("interval")))
        salary = salary_from_structured(
            structured.get("min"), structured.get("max"), structured.get("currency") or hint, unit
        )
    elif structured is not None:
        salary = salary_from_schema_org(structured, currency_hint=hint)
    if salary is None:
        salary = parse_salary_text(input.get("text"), currency_hint=hint)
    if salary is None:
        return {
            "salary_min": None,
            "salary_max": None,
            "salary_currency": None,
            "salary_period": None,
        }
    return {
        "salary_min": salary.min,
        "salary_max": salary.max,
        "salary_currency": salary.currency,
        "salary_period": salary.period.value if salary.period is not None else None,
    }
