"""Place keys: one spelling per city ("Paris 15e", "75015 Paris", "PARIS CEDEX 08" -> "paris").

Arrondissements collapse to their city because boards disagree on them; the French
département (from the postal code) and coordinates only serve to tell namesakes apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dedupe.text import fold, words
from dedupe.vocab import vocab

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
_ORDINAL = re.compile(r"^\d+(?:e|er|eme|ieme|em|ere|nd|de)?$")
_ROMAN_ORDINAL = re.compile(r"^[ivxl]+(?:e|er|eme|ieme)$")
_ROMAN = re.compile(r"^[ivxl]+$")
_ARRONDISSEMENT_CITIES = frozenset({"paris", "lyon", "marseille"})
_SAINTS = {"st": "saint", "ste": "sainte"}
_POSTAL_FR = re.compile(r"^\d{5}$")


@dataclass(frozen=True, slots=True)
class Place:
    """Comparable place of a posting; empty strings mean unknown."""

    city: str
    department: str  # French département from the postal code ("75", "2A" is "20", "974")
    postal_code: str  # spaces removed, upper case ("" when unknown)
    country: str
    latitude: float | None = None
    longitude: float | None = None

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
    if kept and kept[0] in _ARRONDISSEMENT_CITIES:  # "Paris XVe": roman numerals only here
        roman = (_ROMAN, _ROMAN_ORDINAL)
        kept = [kept[0], *(t for t in kept[1:] if not any(r.match(t) for r in roman))]
    joined = " ".join(kept)
    return vocab().city_aliases.get(joined, joined)


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
    return Place(
        city=city_key(city),
        department=department(postal_code, country),
        postal_code=(postal_code or "").replace(" ", "").upper(),
        country=country or "",
        latitude=latitude,
        longitude=longitude,
    )


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance between two places with coordinates (None if either lacks them)."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))
