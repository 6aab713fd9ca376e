"""Date-times as snapshots write and read them: UTC, ISO 8601 with a ``Z``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from aggregator.errors import UserError


def iso(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the way the schema writes date-times."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_when(text: str, option: str) -> datetime:
    """A user's date-time: ISO 8601 with a zone (``Z``, ``+01:00``), or a date (00:00 UTC).

    A date-time without a zone is refused rather than guessed: a snapshot as of a local time
    taken for UTC would silently differ by the offset.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise UserError(f"{option}: {text!r} is not an ISO 8601 date or date-time") from None
    if parsed.tzinfo is None:
        raise UserError(f"{option}: {text!r} needs a time zone (Z or an offset like +01:00)")
    return parsed.astimezone(UTC)
