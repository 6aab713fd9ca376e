"""Internal records of the market: a vacancy (what really exists) and its copies on boards.

They are the ground truth the boards' :class:`~aggregator.sandbox.model.BoardPosting` are drawn
from; a vacancy's whole life (closing, edits, copies, reposts) is decided when it is born, so
the market at any tick is a pure function of the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.sandbox.vocab import Company, Occupation, Place


@dataclass(frozen=True, slots=True)
class Salary:
    """A vacancy's pay: ``high`` is None for "from" amounts; ``low == high`` for single amounts."""

    low: float
    high: float | None
    currency: str
    period: str  # aggregator.schema.SalaryPeriod value

    def scaled(self, factor: float, step: float) -> Salary:
        """The salary raised by ``factor`` and rounded to ``step`` (an edit's pay rise)."""

        def r(v: float) -> float:
            return round(round(v * factor / step) * step, 2)

        return Salary(
            r(self.low), None if self.high is None else r(self.high), self.currency, self.period
        )


@dataclass(frozen=True, slots=True)
class Profile:
    """What a vacancy is: the role, employer, place and terms shared by all its copies."""

    occupation: Occupation
    company: Company
    agency: Company | None  # staffing agency relaying the offer (or the agency's own offer)
    client: int | None  # for an agency's own offer: which client description it uses
    place: Place
    language: str
    title: str
    contract_type: str
    working_time: str
    hours: float
    remote: str
    salary: Salary | None
    desc_key: int  # seeds the description's sentence choices (shared by a chain's template)


@dataclass(frozen=True, slots=True)
class Copy:
    """One board's copy of a vacancy, listed on ticks ``start <= tick < end``."""

    board: str
    offer_id: str
    number: int  # unique copy key; seeds the copy's wording
    start: int
    end: int
    valid_through: int | None  # tick whose date the board announces as expiry
    lag: int  # ticks before an edit of the vacancy reaches this copy
    via_agency: bool
    repost: bool = False


@dataclass(frozen=True, slots=True)
class Vacancy:
    """A real vacancy with its life on the boards."""

    vacancy_id: str
    born: int
    closes: int
    profile: Profile
    edits: tuple[tuple[int, str], ...]  # (tick, "salary" | "description")
    copies: tuple[Copy, ...]
    batch: str | None = None  # hard-negative group: vacancies that look alike but differ
    batch_kind: str | None = None  # multi_city | multi_role | chain_template | agency_clients
    republished_from: str | None = None  # an old, closed vacancy published again

    @property
    def last_listed(self) -> int:
        """The first tick at which no copy is listed any more."""
        return max((c.end for c in self.copies), default=self.closes)
