"""Invariants of the salary and date normalizers on arbitrary input (hypothesis)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.schema import SalaryPeriod
from normalizers.fields.dates import parse_date
from normalizers.fields.salary import (
    Salary,
    parse_salary_text,
    salary_from_schema_org,
    salary_from_structured,
)

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")

salary_like_text = st.lists(
    st.sampled_from(
        [
            "35",
            "000",
            "1.5",
            "12,06",
            "k",
            "K€",
            "€",
            "$",
            "£",
            " ",
            "\u00a0",
            "\u202f",
            "-",
            "—",
            "à",
            "de",
            "par mois",
            "per hour",
            "bis zu",
            "ab",
            "jusqu'à",
            "%",
            "sur 12 mois",
            "/",
            "EUR",
            "usd",
            "brut annuel",
            "0",
            "9999999999",
            "1e400",
            ",",
            ".",
        ]
    ),
    max_size=12,
).map("".join)
numbers = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
units = st.one_of(
    st.none(), st.text(max_size=10), st.sampled_from(["per-year-salary", "1 YEAR", "HOUR"])
)
json_like = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["value", "minValue", "maxValue", "unitText", "currency", "@type"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=10,
)


def assert_within_schema(salary: Salary | None) -> None:
    """The invariants every mapping relies on when it fills a Posting."""
    if salary is None:
        return
    assert salary.min is not None or salary.max is not None
    for amount in (salary.min, salary.max):
        assert amount is None or (math.isfinite(amount) and amount > 0)
    if salary.min is not None and salary.max is not None:
        assert salary.min <= salary.max
    assert salary.currency is None or ISO_CURRENCY.match(salary.currency)
    assert isinstance(salary.period, SalaryPeriod)


@given(st.one_of(st.text(max_size=80), salary_like_text), st.one_of(st.none(), st.text(max_size=4)))
def test_salary_text_never_raises_and_stays_in_schema(text: str, hint: str | None) -> None:
    assert_within_schema(parse_salary_text(text, currency_hint=hint))


@given(numbers, numbers, st.one_of(st.none(), st.text(max_size=4)), units)
def test_structured_salary_never_raises_and_stays_in_schema(
    low: Any, high: Any, currency: Any, unit: Any
) -> None:
    assert_within_schema(salary_from_structured(low, high, currency, unit))


@given(json_like)
def test_schema_org_salary_tolerates_junk(base_salary: Any) -> None:
    assert_within_schema(salary_from_schema_org(base_salary))


@given(
    st.floats(min_value=1, max_value=1e6),
    st.floats(min_value=1, max_value=1e6),
    st.sampled_from(list(SalaryPeriod)),
)
def test_bounds_ordered_whatever_the_input_order(a: float, b: float, period: SalaryPeriod) -> None:
    salary = salary_from_structured(a, b, "EUR", period)
    assert_within_schema(salary)
    assert salary == salary_from_structured(b, a, "EUR", period)


date_like_text = st.lists(
    st.sampled_from(
        [
            "2024",
            "-",
            "12",
            "01",
            "T",
            ":",
            "10",
            "Z",
            "+00:00",
            " ",
            "/",
            ".",
            "il y a",
            "jours",
            "vor",
            "Tagen",
            "ago",
            "days",
            "Fri,",
            "Dec",
            "GMT",
            "mars",
            "99",
            "1733260504",
            "000",
        ]
    ),
    max_size=10,
).map("".join)
date_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    date_like_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
)
zones = st.one_of(st.none(), st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "nope"]))


@settings(max_examples=300)
@given(date_values, zones)
def test_dates_never_raise_are_utc_and_not_in_the_future(value: Any, tz: str | None) -> None:
    got = parse_date(value, tz=tz, now=NOW)
    if got is not None:
        assert got.utcoffset() == timedelta(0)
        assert datetime(1995, 1, 1, tzinfo=UTC) <= got <= NOW + timedelta(days=1)


@given(st.integers(min_value=0, max_value=30 * 365 * 86400 * 10**6))
def test_iso_round_trip(microseconds: int) -> None:
    moment = datetime(1995, 3, 1, tzinfo=UTC) + timedelta(microseconds=microseconds)
    assert parse_date(moment.isoformat(), now=NOW) == moment
    assert parse_date(moment.isoformat().replace("+00:00", "Z"), now=NOW) == moment
