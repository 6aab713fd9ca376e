"""Salaries annualized, so "2 917 € brut mensuel" and "35 k€ annuel" can be compared."""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.schema import SalaryPeriod

# Paid units per year: 35 h x 52 weeks, 218 worked days (French "forfait jours").
PER_YEAR: dict[SalaryPeriod, float] = {
    SalaryPeriod.HOUR: 1820.0,
    SalaryPeriod.DAY: 218.0,
    SalaryPeriod.WEEK: 52.0,
    SalaryPeriod.MONTH: 12.0,
    SalaryPeriod.YEAR: 1.0,
}


# Round amounts boards publish a salary rounded to ("46 k€" for 45 500, "2 300 €" for 2 280).
ROUNDING_STEP: dict[SalaryPeriod, float] = {
    SalaryPeriod.HOUR: 0.5,
    SalaryPeriod.DAY: 50.0,
    SalaryPeriod.WEEK: 50.0,
    SalaryPeriod.MONTH: 100.0,
    SalaryPeriod.YEAR: 1000.0,
}


@dataclass(frozen=True, slots=True)
class AnnualSalary:
    """An annualized salary range, with the period it was published in (or guessed)."""

    low: float
    high: float
    currency: str
    period: SalaryPeriod
    guessed: bool


def guess_period(amount: float) -> SalaryPeriod:
    """Period of an amount published without one, from its order of magnitude."""
    if amount < 150:
        return SalaryPeriod.HOUR
    if amount < 1000:
        return SalaryPeriod.DAY
    if amount < 15000:
        return SalaryPeriod.MONTH
    return SalaryPeriod.YEAR


def annualize(
    low: float | None, high: float | None, currency: str | None, period: SalaryPeriod | None
) -> AnnualSalary | None:
    """Yearly range of a salary (None without any positive amount)."""
    values = [v for v in (low, high) if v is not None and v > 0]
    if not values:
        return None
    lo, hi = min(values), max(values)
    chosen = period or guess_period(hi)
    factor = PER_YEAR[chosen]
    return AnnualSalary(
        low=lo * factor,
        high=hi * factor,
        currency=currency or "",
        period=chosen,
        guessed=period is None,
    )


def salary_compatible(a: AnnualSalary, b: AnnualSalary, tolerance: float = 0.12) -> bool | None:
    """Whether two ranges can be one offer's; None when currencies differ (not comparable).

    Ranges overlap after widening each by ``tolerance`` (rounding, 13th month); converted
    or guessed periods get twice the tolerance because hours or days per year vary.
    """
    if a.currency and b.currency and a.currency != b.currency:
        return None
    same_unit = a.period is b.period and not (a.guessed or b.guessed)
    tol = tolerance if same_unit else 2 * tolerance
    return a.low <= b.high * (1 + tol) and b.low <= a.high * (1 + tol)


def _rounded_from(value: float, salary: AnnualSalary, other: float) -> bool:
    """Whether ``value`` (a bound of ``salary``, per year) is a round amount in its period that
    ``other`` rounds to: "46 k€" stands for 45 500 to 46 500, "2 300 €" a month for 2 250 to 2 350.
    """
    per_year = PER_YEAR[salary.period]
    step = ROUNDING_STEP[salary.period]
    published = value / per_year
    units = published / step
    if abs(units - round(units)) > 1e-6:
        return False
    return abs(value - other) <= (step / 2) * per_year * (1 + 1e-9)


def _same_amount(x: float, y: float, a: AnnualSalary, b: AnnualSalary, tolerance: float) -> bool:
    if abs(x - y) <= tolerance * max(x, y):
        return True
    return _rounded_from(x, a, y) or _rounded_from(y, b, x)


def same_pay(a: AnnualSalary | None, b: AnnualSalary | None, tolerance: float = 0.01) -> bool:
    """Whether two published salaries are the same amounts (rounding aside), in one currency.

    Stronger than :func:`salary_compatible`: it is positive evidence, not the absence of a
    conflict, so both must be published and both bounds must agree: within ``tolerance``, or
    one bound a round amount of its period the other rounds to (a board writing "46-58 k€"
    for 45 500 - 58 000 €, or 2 300 € a month for 2 280 €).
    """
    if a is None or b is None or (a.currency and b.currency and a.currency != b.currency):
        return False
    return _same_amount(a.low, b.low, a, b, tolerance) and _same_amount(
        a.high, b.high, a, b, tolerance
    )
