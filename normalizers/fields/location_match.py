"""Resolution of one place (its parts) against the gazetteer.

Each part is read as what it can name: countries, regions (or French départements), cities.
A place then resolves in this order: countries that only a country can be are firm (two
different firm countries make a list, "Canada, USA"); the first part that can be a city is the
city (unless it is more likely a region: "Bretagne" names a region and a hamlet); the other
parts narrow the city's candidates (region, département, postal code, "CA" as California or
Canada) without ever emptying them; the best remaining candidate wins by population, boosted
for the source's country (``hint``) and lowered for alternate names and delegated communes.
Lookups are dict accesses on folded keys (microseconds).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from normalizers.fields.location_text import Part
from normalizers.gazetteer import City, Gazetteer, Region, fold

ALTERNATE_NAME_FACTOR = 1 / 20  # "Valence" is Valencia's French name, but a French town first
DELEGATED_FACTOR = 1 / 10  # a commune déléguée yields to a full commune of the same name
HINT_FACTOR = 100  # the source's country wins unless the other place is 100 times larger
CITY_OVER_REGION = 100_000  # "Limburg" is the province, "Salzburg" the city
SAME_PLACE_KM = 60.0  # "Fulham, London" is one place, "Paris, Lyon" two
MIN_SPAN_CHARS = 4


@dataclass(frozen=True, slots=True)
class Context:
    """What the caller knows besides the text: structured country, region, postal code, hint."""

    hint: str | None = None
    country: str | None = None
    regions: tuple[Region, ...] = ()
    postal_code: str | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """What one place resolved to."""

    city: City | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None


@dataclass(slots=True)
class Reading:
    """What one part can name."""

    part: Part
    countries: list[str] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    cities: list[tuple[City, bool]] = field(default_factory=list)
    noise: bool = False

    @property
    def known(self) -> bool:
        return bool(self.countries or self.regions or self.cities)


def read(g: Gazetteer, part: Part) -> Reading:
    """Every interpretation of one part; noise words are dropped only when the whole fails."""
    if part.insee:
        city = g.by_insee(part.insee)
        return Reading(part, cities=[(city, True)] if city else [])
    if not part.key:
        return Reading(part)
    for key in dict.fromkeys((part.key, g.strip_noise(part.key))):
        if not key:
            return Reading(part, noise=True)
        reading = _lookup(g, part, key)
        if reading.known:
            return reading
    return Reading(part)


def _lookup(g: Gazetteer, part: Part, key: str, *, primary_only: bool = False) -> Reading:
    country = g.countries.get(key)
    cities = [item for item in g.cities(key) if item[1] or not primary_only]
    return Reading(part, [country] if country else [], list(g.regions.get(key, ())), cities)


def read_span(g: Gazetteer, part: Part) -> Reading:
    """The longest run of words of an unknown part that names something ("MD Chevy Chase").

    Alternate names are not tried: inside a longer text they match too easily ("Sophia").
    """
    words = g.strip_noise(part.key).split()
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            key = " ".join(words[start : start + size])
            if len(key) >= MIN_SPAN_CHARS:
                reading = _lookup(g, part, key, primary_only=True)
                if reading.known:
                    return reading
    return Reading(part)


def score(city: City, primary: bool, hint: str | None) -> float:
    """Ranking weight of a candidate: population, adjusted (see the module constants)."""
    weight = float(max(city.population, 1))
    if not primary:
        weight *= ALTERNATE_NAME_FACTOR
    if city.delegated:
        weight *= DELEGATED_FACTOR
    if hint and city.country == hint:
        weight *= HINT_FACTOR
    return weight


def best(candidates: list[tuple[City, bool]], hint: str | None) -> City:
    return max(candidates, key=lambda item: score(item[0], item[1], hint))[0]


def narrow(
    candidates: list[tuple[City, bool]], keep: Callable[[City], bool]
) -> list[tuple[City, bool]]:
    """The candidates that ``keep`` accepts, or all of them when it accepts none."""
    kept = [item for item in candidates if keep(item[0])]
    return kept or candidates


def distance_km(a: City, b: City) -> float:
    """Equirectangular distance, plenty for "is this the same town" (inf without coordinates)."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return math.inf
    mean = math.radians((a.latitude + b.latitude) / 2)
    dx = math.radians(b.longitude - a.longitude) * math.cos(mean)
    dy = math.radians(b.latitude - a.latitude)
    return 6371.0 * math.hypot(dx, dy)


def _in_country(country: str | None, items: Iterable[tuple[City, bool]]) -> list[tuple[City, bool]]:
    return [item for item in items if country is None or item[0].country == country]


def _is_city(cities: list[tuple[City, bool]], regions: list[Region], hint: str | None) -> bool:
    """Whether a name that is both a city and a region ("Berlin", "Bretagne") means the city."""
    top = best(cities, hint)
    return any(region.contains(top) for region in regions) or top.population >= CITY_OVER_REGION


def resolve_place(g: Gazetteer, parts: list[Part], ctx: Context) -> list[Found]:
    """The place(s) named by the parts of one place; several when it is really a list."""
    readings = [read(g, part) for part in parts]
    if not any(r.known for r in readings):
        readings = [read_span(g, r.part) if r.part.key and not r.noise else r for r in readings]
    firm = (
        [ctx.country]
        if ctx.country
        else [r.countries[0] for r in readings if r.countries and not r.regions]
    )
    if len(set(firm)) > 1:
        return [Found(country=code) for code in dict.fromkeys(firm)]
    country = firm[0] if firm else None
    constraints: list[list[Region]] = [list(ctx.regions)] if ctx.regions else []
    ambiguous: list[Reading] = []
    city_reading: Reading | None = None
    candidates: list[tuple[City, bool]] = []
    extra: list[list[tuple[City, bool]]] = []
    for r in readings:
        if r.countries and not r.regions:
            continue
        regions = [region for region in r.regions if country is None or region.country == country]
        if r.countries:
            if country is None:
                ambiguous.append(r)
            elif regions:
                constraints.append(regions)
            continue
        cities = _in_country(country, r.cities)
        if city_reading is None and cities and (not regions or _is_city(cities, regions, ctx.hint)):
            city_reading, candidates = r, cities
        elif city_reading is not None and any(
            reg.contains(c) for reg in regions for c, _ in candidates
        ):
            constraints.append(regions)
        elif cities and city_reading is not None:
            extra.append(cities)
        elif regions:
            constraints.append(regions)
    departements = [g.departements[p.departement] for p in parts if p.departement in g.departements]
    postal = next((p.postal_code for p in parts if p.postal_code), None) or ctx.postal_code
    french = country in (None, "FR") and ctx.hint in (None, "FR")
    if city_reading is None and postal and postal.isdigit() and len(postal) == 5 and french:
        candidates = [(city, True) for city in g.by_postal_code(postal)]
    if not candidates:
        return [_without_city(constraints, departements, ambiguous, country, postal)]
    if postal and city_reading is not None and city_reading.part.key:
        key, prefix = city_reading.part.key, postal[:2]
        served = [(c, True) for c in g.by_postal_code(postal) if fold(c.name) == key]
        candidates = served or narrow(candidates, lambda c: c.admin == prefix)
    for departement in departements:
        candidates = narrow(candidates, departement.contains)
    for regions in constraints:
        candidates = narrow(candidates, partial(_in_any, regions))
    for reading in ambiguous:
        candidates = narrow(candidates, partial(_fits, reading))
    city = best(candidates, ctx.hint)
    found = [Found(city, city.region, city.country, _postal_of(city, postal))]
    for others in extra:
        if all(distance_km(city, other) > SAME_PLACE_KM for other, _ in others):
            other = best(others, ctx.hint)
            found.append(Found(other, other.region, other.country, other.postal_code))
    return found


def _in_any(regions: list[Region], city: City) -> bool:
    return any(region.contains(city) for region in regions)


def _fits(reading: Reading, city: City) -> bool:
    """Whether a city fits a part that is a country or a region ("CA": Canada or California)."""
    return city.country in reading.countries or _in_any(reading.regions, city)


def _postal_of(city: City, given: str | None) -> str | None:
    """The given postal code when it fits the city (CEDEX codes included), else the city's own."""
    if given and (
        city.country != "FR" or given in city.postal_codes or given[:2] == city.admin[:2]
    ):
        return given
    return city.postal_code


def _without_city(
    constraints: list[list[Region]],
    departements: list[Region],
    ambiguous: list[Reading],
    country: str | None,
    postal: str | None,
) -> Found:
    """Region and country when no city resolved ("Île-de-France", "Remote, France")."""
    regions = [r for group in constraints for r in group] or departements
    names = {(r.name, r.country) for r in regions}
    region, region_country = next(iter(names)) if len(names) == 1 else (None, None)
    if country is None and region_country is None and ambiguous:
        country = ambiguous[0].countries[0]
    countries = {r.country for r in regions}
    country = country or region_country or (countries.pop() if len(countries) == 1 else None)
    return Found(None, region, country, postal)
