"""Place keys: one spelling per city ("Paris 15e", "75015 Paris", "PARIS CEDEX 08" -> "paris").

Arrondissements collapse to their city because boards disagree on them; the French
département (from the postal code) and coordinates only serve to tell namesakes apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from dedupe.text import fold, words
from dedupe.vocab import vocab
from normalizers.gazetteer.folding import fold as gazetteer_fold
from normalizers.gazetteer.store import get_gazetteer

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
_ORDINAL = re.compile(r"^\d+(?:e|er|eme|ieme|em|ere|nd|de)?$")
_ROMAN_ORDINAL = re.compile(r"^[ivxl]+(?:e|er|eme|ieme)$")
_ROMAN = re.compile(r"^[ivxl]+$")
# Cities split into arrondissements, with their postal prefix (arrondissement n: prefix + nn).
_ARRONDISSEMENTS = {"paris": ("750", 20), "lyon": ("690", 9), "marseille": ("130", 16)}
ARRONDISSEMENT_CITIES = frozenset(_ARRONDISSEMENTS)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}
_SAINTS = {"st": "saint", "ste": "sainte"}
_POSTAL_FR = re.compile(r"^\d{5}$")
CENTRE_KM = 0.1  # coordinates this close to the town's gazetteer centre are the town's only
TOWN_POPULATION = 10_000  # a word names a town when the gazetteer has one this large


@dataclass(frozen=True, slots=True)
class Place:
    """Comparable place of a posting; empty strings mean unknown."""

    city: str
    department: str  # French département from the postal code ("75", "2A" is "20", "974")
    postal_code: str  # spaces removed, upper case ("" when unknown)
    country: str
    latitude: float | None = None
    longitude: float | None = None
    precise: bool = False  # coordinates locate a site, not just the town (geocoded centre)
    # coordinates are the gazetteer centre of the commune or arrondissement of the postal code
    postal_centre: bool = False

    @property
    def located(self) -> bool:
        """Whether the posting gives a town, postal code or coordinates, not just a country.

        A board without a location field fills in its own country (a remote board's "GB",
        a national board's "FR"): a country alone says where the board is, not the job.
        """
        return bool(self.city or self.postal_code or self.latitude is not None)

    @property
    def key(self) -> str:
        """The block key part: city if known, else the département, else the country."""
        return self.city or (f"#{self.department}" if self.department else "")


def city_key(city: str | None) -> str:
    """Fold a city field: drop brackets, postal codes, arrondissements, Cedex; unify aliases."""
    if not city:
        return ""
    text = _BRACKETS.sub(" ", fold(city))
    tokens = [_SAINTS.get(t, t) for t in words(text)]
    noise = vocab().city_noise
    kept = [t for t in tokens if t not in noise and not _ORDINAL.match(t)]
    if kept and kept[0] in ARRONDISSEMENT_CITIES:  # "Paris XVe": roman numerals only here
        roman = (_ROMAN, _ROMAN_ORDINAL)
        kept = [kept[0], *(t for t in kept[1:] if not any(r.match(t) for r in roman))]
    joined = " ".join(kept)
    return vocab().city_aliases.get(joined, joined)


def _roman(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def arrondissement_code(city: str | None) -> str:
    """Postal code of the arrondissement a city field names ("Paris 15e" -> "75015"), or ""."""
    if not city:
        return ""
    tokens = words(_BRACKETS.sub(" ", fold(city)))
    first = next((t for t in tokens if not t[0].isdigit()), "")  # "75015 Paris": the city
    if first not in _ARRONDISSEMENTS:
        return ""
    prefix, count = _ARRONDISSEMENTS[first]
    for token in tokens:
        if _POSTAL_FR.match(token) and token.startswith(prefix):
            return token
        number = 0
        if _ORDINAL.match(token) and len(token.rstrip("abcdefghijklmnopqrstuvwxyz")) <= 2:
            number = int(token.rstrip("abcdefghijklmnopqrstuvwxyz"))
        elif _ROMAN.match(token) or _ROMAN_ORDINAL.match(token):
            number = _roman(token.rstrip("eimr") if not _ROMAN.match(token) else token)
        if 1 <= number <= count:
            return f"{prefix}{number:02d}"
    return ""


def department(postal_code: str | None, country: str | None) -> str:
    """French département of a postal code ("" when not French or not a postal code)."""
    if not postal_code or country not in (None, "FR"):
        return ""
    code = postal_code.replace(" ", "")
    if not _POSTAL_FR.match(code):
        return ""
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def make_place(
    city: str | None,
    postal_code: str | None,
    country: str | None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Place:
    """Build the comparable place of a posting from its location fields."""
    code = (postal_code or "").replace(" ", "").upper() or arrondissement_code(city)
    return Place(
        city=city_key(city),
        department=department(code, country),
        postal_code=code,
        country=country or "",
        latitude=latitude,
        longitude=longitude,
        precise=is_site(city, country, latitude, longitude),
        postal_centre=at_postal_centre(code, country, latitude, longitude),
    )


@lru_cache(maxsize=8192)
def _town_centres(city: str, country: str) -> tuple[tuple[float, float], ...]:
    """Gazetteer coordinates of the towns named ``city`` (in ``country`` when known)."""
    found = get_gazetteer().cities(gazetteer_fold(city))
    return tuple(
        (c.latitude, c.longitude)
        for c, _ in found
        if c.latitude is not None and c.longitude is not None and country in ("", c.country)
    )


@lru_cache(maxsize=65536)
def is_town(word: str) -> bool:
    """Whether a folded word is the name of a town of some size (gazetteer lookup).

    A function word is not, though a town somewhere bears it ("sur": Sur, in Oman): texts use
    it in every other sentence, so one text's "sur" tells nothing about where the job is.
    """
    if len(word) < 3 or word.isdigit() or word in vocab().title_stopwords:
        return False
    found = get_gazetteer().cities(gazetteer_fold(word))
    return any(c.population >= TOWN_POPULATION for c, _ in found)


@lru_cache(maxsize=8192)
def _postal_centres(postal_code: str) -> tuple[tuple[float, float], ...]:
    """Gazetteer centres of the French communes or arrondissements a postal code serves."""
    if not _POSTAL_FR.match(postal_code):
        return ()
    return tuple(
        (c.latitude, c.longitude)
        for c in get_gazetteer().by_postal_code(postal_code)
        if c.latitude is not None and c.longitude is not None
    )


def at_postal_centre(
    postal_code: str, country: str | None, latitude: float | None, longitude: float | None
) -> bool:
    """Whether coordinates are the centre of the commune or arrondissement a French postal
    code serves (a board geocoding "13013" to Marseille 13e's centre), not a site in it."""
    if latitude is None or longitude is None or not postal_code or country not in (None, "FR"):
        return False
    return any(
        _km(lat, lon, latitude, longitude) <= CENTRE_KM for lat, lon in _postal_centres(postal_code)
    )


def is_site(
    city: str | None, country: str | None, latitude: float | None, longitude: float | None
) -> bool:
    """Whether coordinates locate a site rather than the town: the normalizer geocodes a
    posting without coordinates to its town's centre, which says nothing about the site.
    """
    if latitude is None or longitude is None or not city:
        return False
    for lat, lon in _town_centres(city, country or ""):
        if _km(lat, lon, latitude, longitude) <= CENTRE_KM:
            return False
    return True


def site_known(place: Place) -> bool:
    """False for a place in a city of arrondissements given without its arrondissement.

    A postal code or site coordinates locate the site; the city name alone (and the town
    centre the normalizer geocodes it to) fits every site a chain has there.
    """
    if place.city not in ARRONDISSEMENT_CITIES or place.country not in ("", "FR"):
        return True
    return bool(place.postal_code) or place.precise


def same_site(a: Place, b: Place, max_km: float) -> bool:
    """Positive evidence of one site: the same postal code, or site coordinates close by."""
    if a.postal_code and a.postal_code == b.postal_code:
        return True
    km = distance_km(a, b) if a.precise and b.precise else None
    return km is not None and km <= max_km


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance between two places with coordinates (None if either lacks them)."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    return _km(a.latitude, a.longitude, b.latitude, b.longitude)


def _km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat_a, lon_a, lat_b, lon_b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))
