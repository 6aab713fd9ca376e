"""Recording of values a normalizer could not read, for ops rather than for exceptions.

A normalizer never raises on bad data: the field becomes null and the problem is counted here,
per (source, field), with a few raw examples kept so a person can see what went wrong. A crawl
run stores :meth:`ProblemLog.as_dict` next to its counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_SAMPLES = 5
MAX_VALUE_CHARS = 200


@dataclass(frozen=True, slots=True)
class ProblemSample:
    """One recorded raw value and why it could not be used."""

    raw: str
    reason: str


def _shorten(raw: object) -> str:
    """The raw value as text of bounded length (``repr`` for non-strings keeps the type)."""
    try:
        text = raw if isinstance(raw, str) else repr(raw)
    except Exception:  # a broken __repr__ must not break the crawl
        text = f"<unprintable {type(raw).__name__}>"
    if len(text) > MAX_VALUE_CHARS:
        return text[: MAX_VALUE_CHARS - 1] + "…"
    return text


@dataclass(slots=True)
class ProblemLog:
    """Counts of problems per (source, field) with the first few raw values as samples."""

    max_samples: int = MAX_SAMPLES
    _counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    _samples: dict[tuple[str, str], list[ProblemSample]] = field(default_factory=dict)

    def record(self, source: str, field: str, raw: object, reason: str) -> None:
        """Count one unreadable value; keep it as a sample while fewer than ``max_samples``."""
        key = (source, field)
        self._counts[key] += 1
        kept = self._samples.setdefault(key, [])
        if len(kept) < self.max_samples:
            kept.append(ProblemSample(_shorten(raw), reason))

    def counts(self) -> dict[tuple[str, str], int]:
        """Number of problems per (source, field)."""
        return dict(self._counts)

    def samples(self, source: str | None = None, field: str | None = None) -> list[ProblemSample]:
        """Kept samples, optionally only those of one source and/or one field."""
        return [
            sample
            for (src, fld), kept in self._samples.items()
            if (source is None or src == source) and (field is None or fld == field)
            for sample in kept
        ]

    def total(self) -> int:
        """Number of problems recorded, all sources and fields together."""
        return sum(self._counts.values())

    def __len__(self) -> int:
        return self.total()

    def __bool__(self) -> bool:
        return bool(self._counts)

    def merge(self, other: ProblemLog) -> None:
        """Add another log's counts and samples (e.g. from a parallel parse) into this one."""
        self._counts.update(other._counts)
        for key, theirs in other._samples.items():
            kept = self._samples.setdefault(key, [])
            room = self.max_samples - len(kept)
            if room > 0:
                kept.extend(theirs[:room])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary: one entry per (source, field), sorted, with count and samples."""
        problems = [
            {
                "source": source,
                "field": fld,
                "count": count,
                "samples": [
                    {"raw": s.raw, "reason": s.reason} for s in self._samples.get((source, fld), [])
                ],
            }
            for (source, fld), count in sorted(self._counts.items())
        ]
        return {"total": self.total(), "problems": problems}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProblemLog:
        """Rebuild a log from :meth:`as_dict` output (e.g. to merge stored crawl runs)."""
        log = cls()
        for entry in data.get("problems", []):
            key = (str(entry["source"]), str(entry["field"]))
            log._counts[key] += int(entry["count"])
            log._samples[key] = [
                ProblemSample(str(s["raw"]), str(s["reason"]))
                for s in entry.get("samples", [])[: log.max_samples]
            ]
        return log
