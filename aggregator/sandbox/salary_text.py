"""Salaries as boards write them ("35 000 € brut annuel", "£30k - £40k", "€65.000—€80.000 EUR").

A copy's text is always written from the copy's own amounts: when a form needs rounder numbers
(thousands for "45-55 k€") the amounts are rounded first, so text and structured fields agree.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

from aggregator.sandbox.records import Salary
from aggregator.sandbox.vocab import salary_rules

NNBSP, NBSP = "\u202f", "\u00a0"
_COARSE = {"year": 1000.0, "month": 100.0, "hour": 0.5, "day": 50.0}
_FALLBACK_PERIOD = {"year": "year", "month": "month", "hour": "hour", "day": "day"}


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-9


def _grouped(value: float, sep: str, dec: str) -> str:
    if _whole(value):
        return f"{round(value):,}".replace(",", sep)
    whole, frac = f"{value:,.2f}".split(".")
    return whole.replace(",", sep) + dec + frac


def format_number(value: float, num: str) -> str:
    """``value`` in one of the number styles of salary.yaml."""
    if num == "fr":
        return _grouped(value, NNBSP, ",")
    if num == "fr_nbsp":
        return _grouped(value, NBSP, ",")
    if num == "fr_space":
        return _grouped(value, " ", ",")
    if num == "plain":
        return str(round(value)) if _whole(value) else f"{value:.2f}"
    if num == "dot1":
        return f"{value:.1f}"
    if num == "dot2":
        return f"{value:.2f}"
    if num == "comma2":
        return f"{value:.2f}".replace(".", ",")
    if num == "en":
        return _grouped(value, ",", ".")
    if num == "de":
        return _grouped(value, ".", ",")
    if num == "ch":
        return _grouped(value, "’", ".")
    if num == "k":
        return f"{value / 1000:g}"
    raise ValueError(f"unknown number style {num!r}")


def shape_of(salary: Salary) -> str:
    """range, single (low == high) or from (no high)."""
    if salary.high is None:
        return "from"
    return "single" if salary.high == salary.low else "range"


@cache
def _forms(lang: str, currency: str, period: str, shape: str) -> tuple[dict[str, Any], ...]:
    return tuple(
        f
        for f in salary_rules()["forms"]
        if f["lang"] == lang
        and f["cur"] == currency
        and f["period"] == period
        and f["shape"] == shape
    )


def _rounded(value: float, step: float) -> float:
    return round(max(step, round(value / step) * step), 2)


def write_salary(rng: random.Random, salary: Salary, language: str) -> tuple[Salary, str]:
    """The copy's salary (maybe rounded) and its text, consistent with each other."""
    forms = _forms(language, salary.currency, salary.period, shape_of(salary))
    form = rng.choice(forms) if forms else None
    step = None
    if form is not None and form["num"] == "k":
        step = 1000.0
    elif rng.random() < 0.3:
        step = _COARSE[salary.period]
    if step is not None:
        low = _rounded(salary.low, step)
        high = None if salary.high is None else max(low, _rounded(salary.high, step))
        salary = Salary(low, high, salary.currency, salary.period)
    if form is None:
        return salary, _fallback(salary)
    lo = format_number(salary.low, form["num"])
    hi = format_number(salary.high, form["num"]) if salary.high is not None else ""
    return salary, str(form["text"]).format(lo=lo, hi=hi)


def _fallback(salary: Salary) -> str:
    lo = format_number(salary.low, "plain")
    per = _FALLBACK_PERIOD[salary.period]
    if salary.high is None:
        return f"from {lo} {salary.currency} per {per}"
    if salary.high == salary.low:
        return f"{lo} {salary.currency} per {per}"
    return f"{lo} - {format_number(salary.high, 'plain')} {salary.currency} per {per}"
