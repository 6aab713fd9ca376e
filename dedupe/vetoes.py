"""Hard incompatibilities: any one of them forbids a merge, whatever the other fields say.

A false merge hides a real vacancy, so when two records disagree on something a copy of one
vacancy cannot disagree on (city, country, contract, working time, pay, or a re-publication
long after the first one closed), they are kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from dedupe.fingerprint import DescriptionPrint
from dedupe.keys import Keys
from dedupe.places import ARRONDISSEMENT_CITIES, Place, distance_km, is_town
from dedupe.records import DedupeRecord
from dedupe.salary import salary_compatible
from dedupe.vocab import vocab


@dataclass(frozen=True, slots=True)
class Veto:
    """The field that forbids the merge, and a sentence saying why."""

    field: str
    reason: str


def other_town(a: Place, b: Place) -> bool:
    """Other country or other city: :func:`place_veto`'s first vetoes, as a plain test.

    Most candidates a posting meets are a chain's or an employer's ads in other towns; the
    engine turns their clusters away on this without building the veto's explanation.
    """
    return bool(a.city and b.city and a.city != b.city) or other_country(a, b)


def other_country(a: Place, b: Place) -> bool:
    """Two countries, both given with a town, postal code or coordinates.

    A country alone is often the board's default (a remote board lists every ad in "GB"),
    so two copies of one remote job disagree there; a town named in one text and not in the
    other still tells two sites apart (:func:`text_veto`).
    """
    return bool(a.country and b.country and a.country != b.country and a.located and b.located)


def place_veto(
    a: Keys, b: Keys, max_km: float, max_site_km: float = 3.0, split_site_km: float = 1.5
) -> Veto | None:
    """Different country, city (arrondissements collapsed), postal code, or far coordinates.

    Two copies of one vacancy give the same postal code when both give one (a chain's two
    shops in one city differ only there), so a postal-code mismatch vetoes even in one city;
    for the same reason two site coordinates (not town centres) must be close, closer still
    in a city split into arrondissements, whose sites boards often give without one.
    """
    pa, pb = a.place, b.place
    if other_country(pa, pb):
        return Veto("country", f"country {pa.country} != {pb.country}")
    if pa.city and pb.city and pa.city != pb.city:
        return Veto("place", f"city {pa.city!r} != {pb.city!r}")
    if pa.postal_code and pb.postal_code and pa.postal_code != pb.postal_code:
        return Veto("place", f"postal code {pa.postal_code} != {pb.postal_code}")
    if pa.department and pb.department and pa.department != pb.department:
        return Veto("place", f"departement {pa.department} != {pb.department}")
    one_code = bool(pa.postal_code) and pa.postal_code == pb.postal_code
    # one postal code, one commune: a centre it was geocoded to locates nothing more
    km = distance_km(pa, pb) if not one_code or (pa.precise and pb.precise) else None
    if km is not None and km > max_km:
        return Veto("place", f"coordinates {km:.0f} km apart")
    if one_code and (pa.postal_centre or pb.postal_centre):
        # one postal code, one side at its centre: the other's site is somewhere in it
        return None
    if km is not None and pa.precise and pb.precise:
        # within one arrondissement (same postal code) boards' geocodes of a site spread wider
        split = pa.city in ARRONDISSEMENT_CITIES and not one_code
        limit = split_site_km if split else max_site_km
        if km > limit:
            return Veto("place", f"sites {km:.1f} km apart")
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
    wa, wb = working_time_of(a, ka), working_time_of(b, kb)
    if wa and wb and wa != wb:
        return Veto("working_time", f"working time {wa} != {wb}")
    ha, hb = ka.weekly_hours, kb.weekly_hours
    if ha is not None and hb is not None and abs(ha - hb) > 0.01:
        return Veto("working_time", f"{ha:g} h a week != {hb:g} h a week")
    if ka.stated_remote and kb.stated_remote and ka.stated_remote != kb.stated_remote:
        return Veto("remote", f"remote work {ka.stated_remote} != {kb.stated_remote}")
    if ka.salary and kb.salary and salary_compatible(ka.salary, kb.salary) is False:
        return Veto(
            "salary",
            f"salary {ka.salary.low:.0f}-{ka.salary.high:.0f} vs "
            f"{kb.salary.low:.0f}-{kb.salary.high:.0f} per year",
        )
    return None


def role_veto(a: Keys, b: Keys) -> Veto | None:
    """Two titles whose distinctive terms contradict, each text naming its own and not the
    other's: "Comptable fournisseurs" against "Comptable général", each text recruiting its
    own. A board retitling a copy does not rewrite the text, which names the role as before,
    so a copy's title words missing from its own text say nothing.
    """
    da, db = a.description, b.description
    if da is None or db is None:
        return None
    only_a, only_b = a.title_tokens - b.title_tokens, b.title_tokens - a.title_tokens
    if not only_a or not only_b:
        return None  # one title holds the other's words: no term contradicts
    town = set(a.place.city.split()) | set(b.place.city.split())
    own_a = [w for w in only_a if len(w) >= 4 and w not in town]
    own_b = [w for w in only_b if len(w) >= 4 and w not in town]
    if not own_a or not own_b:
        return None
    for own, mine, theirs in ((own_a, da, db), (own_b, db, da)):
        if not all(mine.mentions(w) is True and theirs.mentions(w) is False for w in own):
            return None
    return Veto("title", f"each text recruits its own role: {own_a[0]!r} / {own_b[0]!r}")


def working_time_of(record: DedupeRecord, keys: Keys) -> str:
    """Working time as the copy's own text states it, else its structured field ("" unknown)."""
    if keys.stated_working_time:
        return keys.stated_working_time
    return record.working_time.value if record.working_time else ""


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


def _spellings(city: str) -> tuple[str, ...]:
    """Every folded spelling of a city key (the key alone when it has no alias)."""
    return _city_spellings().get(city, (city,))


def _named(own: Keys, other: Keys, names: tuple[str, ...]) -> bool:
    """``own`` names one of ``names`` early in its text and ``other``'s text names none."""
    if own.description is None or other.description is None:
        return False
    if not any(own.description.mentions(name) for name in names):
        return False
    return all(other.description.mentions(name) is False for name in names)


def _town_named_once(a: DescriptionPrint, b: DescriptionPrint) -> str | None:
    """A town one text names where the other (over the span both cover) names none alike."""
    span = min(len(a.prefix), len(b.prefix))
    for own, other in ((a, b), (b, a)):
        theirs = set(other.prefix.split())
        for word in own.prefix[:span].split()[:-1]:  # the last word may be cut
            if word not in theirs and is_town(word):
                return word
    return None


def text_veto(a: Keys, b: Keys) -> Veto | None:
    """A town or employer only one side gives, named in its own text but not in the other's.

    Templated offers of one employer differ only by the town in their text, and job boards
    without a company field still name the employer in the first lines; when one copy lacks
    the structured field, the name its twin's text gives must appear in its text too. When
    neither gives a town, a town word in one text and not in the other tells them apart.
    """
    for own, other in ((a, b), (b, a)):
        city = own.place.city
        # the spellings are looked up only for a city the other side lacks (rare)
        if city and not other.place.city and _named(own, other, _spellings(city)):
            return Veto("place", f"{city!r} is named in one text only")
        if own.company and not other.company and _named(own, other, (own.company,)):
            return Veto("company", f"{own.company!r} is named in one text only")
    if not a.place.city and not b.place.city and a.description and b.description:
        town = _town_named_once(a.description, b.description)
        if town is not None:
            return Veto("place", f"{town!r} is named in one text only")
    return None
