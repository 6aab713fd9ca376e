"""Hard incompatibilities: any one of them forbids a merge, whatever the other fields say.

A false merge hides a real vacancy, so when two records disagree on something a copy of one
vacancy cannot disagree on (city, country, contract, working time, pay, or a re-publication
long after the first one closed), they are kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from dedupe.keys import Keys
from dedupe.places import distance_km
from dedupe.records import DedupeRecord
from dedupe.salary import salary_compatible
from dedupe.vocab import vocab


@dataclass(frozen=True, slots=True)
class Veto:
    """The field that forbids the merge, and a sentence saying why."""

    field: str
    reason: str


def place_veto(a: Keys, b: Keys, max_km: float) -> Veto | None:
    """Different country, city (arrondissements collapsed), postal code, or far coordinates.

    Two copies of one vacancy give the same postal code when both give one (a chain's two
    shops in one city differ only there), so a postal-code mismatch vetoes even in one city.
    """
    pa, pb = a.place, b.place
    if pa.country and pb.country and pa.country != pb.country:
        return Veto("country", f"country {pa.country} != {pb.country}")
    if pa.city and pb.city and pa.city != pb.city:
        return Veto("place", f"city {pa.city!r} != {pb.city!r}")
    if pa.postal_code and pb.postal_code and pa.postal_code != pb.postal_code:
        return Veto("place", f"postal code {pa.postal_code} != {pb.postal_code}")
    if pa.department and pb.department and pa.department != pb.department:
        return Veto("place", f"departement {pa.department} != {pb.department}")
    km = distance_km(pa, pb)
    if km is not None and km > max_km:
        return Veto("place", f"coordinates {km:.0f} km apart")
    return None


def terms_veto(a: DedupeRecord, b: DedupeRecord, ka: Keys, kb: Keys) -> Veto | None:
    """Contract type, working time or pay that one vacancy cannot have twice.

    Boards blur the non-permanent contract families, so only the pairs the vocabulary does
    not list as compatible veto (measured: about 18% of true pairs disagreed on them).
    """
    if a.contract_type and b.contract_type and a.contract_type != b.contract_type:
        pair = frozenset((a.contract_type.value, b.contract_type.value))
        if pair not in vocab().contract_compatible:
            return Veto("contract", f"contract {a.contract_type} != {b.contract_type}")
    if a.working_time and b.working_time and a.working_time != b.working_time:
        return Veto("working_time", f"working time {a.working_time} != {b.working_time}")
    if ka.salary and kb.salary and salary_compatible(ka.salary, kb.salary) is False:
        return Veto(
            "salary",
            f"salary {ka.salary.low:.0f}-{ka.salary.high:.0f} vs "
            f"{kb.salary.low:.0f}-{kb.salary.high:.0f} per year",
        )
    return None


def republication_gap(posted_at: datetime | None, closed_at: datetime | None) -> float | None:
    """Days between an earlier posting's close and a later one's publication (None if unknown)."""
    if posted_at is None or closed_at is None:
        return None
    return (posted_at - closed_at).total_seconds() / 86400.0


@lru_cache(maxsize=1)
def _city_spellings() -> dict[str, tuple[str, ...]]:
    """City key -> every folded spelling that maps to it ("londres": london, londres)."""
    spellings: dict[str, list[str]] = {}
    for spelling, key in vocab().city_aliases.items():
        spellings.setdefault(key, [key]).append(spelling)
    return {key: tuple(values) for key, values in spellings.items()}


def _named(own: Keys, other: Keys, names: tuple[str, ...]) -> bool:
    """``own`` names one of ``names`` early in its text and ``other``'s text names none."""
    if own.description is None or other.description is None:
        return False
    if not any(own.description.mentions(name) for name in names):
        return False
    return all(other.description.mentions(name) is False for name in names)


def text_veto(a: Keys, b: Keys) -> Veto | None:
    """A town or employer only one side gives, named in its own text but not in the other's.

    Templated offers of one employer differ only by the town in their text, and job boards
    without a company field still name the employer in the first lines; when one copy lacks
    the structured field, the name its twin's text gives must appear in its text too.
    """
    for own, other in ((a, b), (b, a)):
        city = own.place.city
        spellings = _city_spellings().get(city, (city,))
        if city and not other.place.city and _named(own, other, spellings):
            return Veto("place", f"{city!r} is named in one text only")
        if own.company and not other.company and _named(own, other, (own.company,)):
            return Veto("company", f"{own.company!r} is named in one text only")
    return None
