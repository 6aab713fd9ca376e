"""What a portal user means by a place: a city, a postal code or département, a region, a country.

Offers carry the gazetteer's display names (``normalizers/fields/location.py``), so a place the
user types is resolved with the same gazetteer and matched on exact stored values, which the
indexes serve; accents and case in the input do not matter ("lyon", "Île de France", "69").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from normalizers.gazetteer.folding import fold
from normalizers.gazetteer.store import Gazetteer, get_gazetteer

CITY_OVER_REGION = 20_000
_POSTAL = re.compile(r"^(?:\d{2,5}|2[ab])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: values to match, and a centre when it is a city (for a radius)."""

    label: str
    cities: tuple[str, ...] = ()
    postal_prefix: str | None = None
    regions: tuple[str, ...] = ()
    country: str | None = None
    centre: tuple[float, float] | None = field(default=None)

    @property
    def matches_nothing(self) -> bool:
        return not (self.cities or self.postal_prefix or self.regions or self.country)


class UnknownPlace(ValueError):
    """The text names no place the gazetteer knows."""


def _postal_place(g: Gazetteer, text: str) -> Place:
    code = text.upper()
    prefix = "20" if code in ("2A", "2B") else code
    cities = g.by_postal_code(code) if len(code) == 5 else []
    centre = _centre(cities[0]) if cities else None
    if len(code) in (2, 3) and code not in g.departements and prefix != "20":
        raise UnknownPlace(f"no département {text!r}")
    return Place(label=code, postal_prefix=prefix, country="FR", centre=centre)


def _centre(city: object) -> tuple[float, float] | None:
    lat, lon = getattr(city, "latitude", None), getattr(city, "longitude", None)
    return (lat, lon) if lat is not None and lon is not None else None


@lru_cache(maxsize=4096)
def resolve_place(text: str, *, country: str | None = None) -> Place:
    """The place named by ``text``; raises :class:`UnknownPlace` when none is found (kept per
    text: a portal asks for the same cities all day, and a lookup costs 0.15 ms)."""
    g = get_gazetteer()
    text = text.strip()
    if _POSTAL.match(text):
        return _postal_place(g, text)
    key = fold(text)
    if not key:
        raise UnknownPlace(f"no place named {text!r}")
    candidates = [c for c, _ in g.cities(key) if not c.delegated]
    if country:
        candidates = [c for c in candidates if c.country == country]
    regions = [r for r in g.regions.get(key, []) if not country or r.country == country]
    # a region or département wins over a village of the same name ("Bretagne", Belfort)
    if candidates and (not regions or max(c.population for c in candidates) >= CITY_OVER_REGION):
        best = max(candidates, key=lambda c: (c.country == "FR", c.population))
        names = tuple(sorted({c.name for c in candidates if c.country == best.country}))
        return Place(label=best.name, cities=names, country=best.country, centre=_centre(best))
    if regions:
        region = regions[0]
        if region.departement and fold(region.name) != key:
            return Place(label=region.departement, postal_prefix=region.departement, country="FR")
        return Place(label=region.name, regions=(region.name,), country=region.country)
    iso = g.countries.get(key)
    if iso:
        return Place(label=iso, country=iso)
    raise UnknownPlace(f"no place named {text!r}")


def warm_up() -> None:
    """Load the gazetteer now (about a second) rather than on the first request."""
    get_gazetteer()
