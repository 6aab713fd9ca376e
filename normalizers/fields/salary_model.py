"""The normalized salary value and the one place where bounds are checked and periods inferred.

Every parser (free text, structured fields, schema.org) ends in :func:`build_salary`, so the
invariants hold for all of them: amounts finite and > 0, ``min <= max``, currency ISO 4217 or
None, implausible amounts rejected. The period-inference rule is documented in
``normalizers.fields.salary``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from aggregator.schema import SalaryPeriod
from normalizers.fields.salary_vocab import salary_vocab

_ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")
_RATIO_LIMIT = 50.0


@dataclass(frozen=True, slots=True)
class Salary:
    """A pay range: either bound may be missing (``"à partir de 34 k€"`` has no max)."""

    min: float | None
    max: float | None
    currency: str | None
    period: SalaryPeriod | None
    period_inferred: bool = False


def normalize_currency(value: Any) -> str | None:
    """An ISO 4217 code from a code, symbol or word (``"usd"``, ``"€"``, ``"Euros"``)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _ISO_CURRENCY.match(text.upper()) and text.isascii():
        return text.upper()
    return salary_vocab().currencies.get(text.lower())


def _clean(value: float | None) -> float | None:
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return float(value)


def infer_period(amount: float, currency: str | None) -> SalaryPeriod:
    """The period an amount most plausibly is paid for, from its euro-equivalent magnitude."""
    vocab = salary_vocab()
    in_eur = amount / vocab.per_eur.get(currency or "EUR", 1.0)
    for period in (SalaryPeriod.HOUR, SalaryPeriod.DAY, SalaryPeriod.MONTH):
        if in_eur < vocab.thresholds[period]:
            return period
    return SalaryPeriod.YEAR


def _annual_eur(amount: float, currency: str | None, period: SalaryPeriod) -> float:
    vocab = salary_vocab()
    factor = vocab.annual_factor[period] / vocab.per_eur.get(currency or "EUR", 1.0)
    return amount * factor


def _repair_ratio(low: float, high: float) -> float | None:
    """Fix a low bound that lost its "k" (``"$150-190k"`` read as 150..190000), else drop it."""
    if high <= low * _RATIO_LIMIT:
        return low
    scaled = low * 1000
    if high / 5 <= scaled <= high:
        return scaled
    return None


def build_salary(
    low: float | None,
    high: float | None,
    currency: str | None,
    period: SalaryPeriod | None,
) -> Salary | None:
    """A checked :class:`Salary`, or None when nothing plausible is left."""
    low, high = _clean(low), _clean(high)
    if low is not None and high is not None:
        if low > high:
            low, high = high, low
        low = _repair_ratio(low, high)
    if low is None and high is None:
        return None
    code = currency if currency is not None and _ISO_CURRENCY.match(currency) else None
    inferred = period is None
    if period is None:
        period = infer_period(high if high is not None else low or 0.0, code)
    vocab = salary_vocab()
    if high is not None and _annual_eur(high, code, period) > vocab.annual_max:
        return None
    if low is not None and _annual_eur(low, code, period) > vocab.annual_max:
        return None
    if low is not None and _annual_eur(low, code, period) < vocab.annual_min:
        low = None
    if high is not None and _annual_eur(high, code, period) < vocab.annual_min:
        return None
    if low is None and high is None:
        return None
    return Salary(min=low, max=high, currency=code, period=period, period_inferred=inferred)
