"""Date normalizer: any source's publication date to an aware UTC datetime.

Public API: :func:`parse_date`, :func:`parse_expiry`, :func:`corpus_case`. Never raises.

Order of attempts, cheapest and most exact first so the bulk of items (ISO 8601 from JSON APIs,
RFC 822 from feeds, epochs) never reach the text parser:

1. numbers and digit strings: epoch seconds, or milliseconds when >= 1e11, or microseconds
   when >= 1e14 (1e11 s would be the year 5138; 1e11 ms is 1973); 8 digits are ``YYYYMMDD``;
2. ``datetime.fromisoformat`` (with and without zone, date only, ``" UTC"`` suffix);
3. ``email.utils`` for RFC 822 / 2822;
4. :mod:`normalizers.fields.dates_text`: "12 mars 2025", "12/03/2025" (day first),
   "il y a 3 jours", "Posted 30+ Days Ago", "vor 2 Tagen", "heute".

Zone-less values are read in ``tz`` (an IANA name or a tzinfo; default UTC). Results before
1995 are rejected as None, and so are publication dates more than one day after ``now``;
expiry dates (:func:`parse_expiry`) lie in the future by nature and are accepted up to two
years ahead (a board's "valid through 2099" placeholder is junk, not a real deadline).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from normalizers.fields.dates_text import parse_text_date

__all__ = ["corpus_case", "format_utc", "parse_date", "parse_expiry"]

_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)
_EXPIRY_HORIZON = timedelta(days=731)
_MAX_TEXT = 200
_ZONE_SUFFIX = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_HAS_LETTER = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=256)
def _named_zone(name: str) -> tzinfo:
    if name.upper() in {"UTC", "Z", "GMT"}:
        return UTC
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return UTC


def _zone(tz: Any) -> tzinfo:
    if isinstance(tz, tzinfo):
        return tz
    if isinstance(tz, str) and tz.strip():
        return _named_zone(tz.strip())
    return UTC


def _aware(value: datetime, zone: tzinfo) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _epoch(number: float) -> datetime | None:
    if not math.isfinite(number) or number <= 0:
        return None
    if number >= 1e14:
        number /= 1e6
    elif number >= 1e11:
        number /= 1e3
    return datetime.fromtimestamp(number, UTC)


def _from_string(text: str, zone: tzinfo, now: datetime, dayfirst: bool) -> datetime | None:
    if text.isascii() and text.isdigit():
        if len(text) == 8:
            return datetime.strptime(text, "%Y%m%d").replace(tzinfo=zone)
        return _epoch(int(text))
    if text.isascii() and _DECIMAL.match(text):
        return _epoch(float(text))
    if text[:1].isdigit():
        stripped = _ZONE_SUFFIX.sub("", text)
        try:
            parsed = datetime.fromisoformat(stripped)
        except ValueError:
            pass
        else:
            return _aware(parsed, UTC if stripped != text else zone)
    if _HAS_LETTER.search(text) and len(text) < 64:
        try:
            return _aware(parsedate_to_datetime(text), zone)
        except (ValueError, TypeError, IndexError):
            pass
    return parse_text_date(text, zone, now, dayfirst=dayfirst)


def _parse(value: Any, zone: tzinfo, now: datetime, dayfirst: bool) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _aware(value, zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    if isinstance(value, int | float):
        return _epoch(float(value))
    if isinstance(value, str):
        text = value.strip()
        if text and len(text) <= _MAX_TEXT:
            return _from_string(text, zone, now, dayfirst)
    return None


def _anchor(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.astimezone(UTC) if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _within(
    value: Any, tz: Any, anchor: datetime, dayfirst: bool, ahead: timedelta
) -> datetime | None:
    """The parsed date in UTC when it lies between 1995 and ``anchor + ahead``, else None."""
    try:
        result = _parse(value, _zone(tz), anchor, dayfirst)
        if result is None:
            return None
        result = result.astimezone(UTC)
        if result < _EARLIEST or result - ahead > anchor:
            return None
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return result


def parse_date(
    value: str | int | float | None,
    *,
    tz: str | tzinfo | None = None,
    now: datetime | None = None,
    dayfirst: bool = True,
) -> datetime | None:
    """An aware UTC datetime, or None when ``value`` is no plausible past date.

    ``now`` anchors relative text and the future check (default: the current time; a naive
    ``now`` is read as UTC). ``dayfirst=False`` reads "03/12/2025" the US way.
    """
    return _within(value, tz, _anchor(now), dayfirst, _FUTURE_SLACK)


def parse_expiry(
    value: str | int | float | None,
    *,
    tz: str | tzinfo | None = None,
    now: datetime | None = None,
    dayfirst: bool = True,
) -> datetime | None:
    """An expiry date (``validThrough``, ``expires_at``) in UTC, future allowed up to 2 years.

    Read like :func:`parse_date`; a past expiry is kept (it closes the posting), one more
    than two years after ``now`` is a placeholder and becomes None.
    """
    return _within(value, tz, _anchor(now), dayfirst, _EXPIRY_HORIZON)


def format_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: seconds, or milliseconds when there are any."""
    utc = value.astimezone(UTC)
    spec = "milliseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Run the normalizer on one labelled-corpus input (see ``tests/corpus/posted_at.jsonl``)."""
    now_text = input.get("now")
    now = datetime.fromisoformat(now_text) if isinstance(now_text, str) else None
    result = parse_date(input.get("value"), tz=input.get("tz"), now=now)
    return {"posted_at": format_utc(result) if result is not None else None}
