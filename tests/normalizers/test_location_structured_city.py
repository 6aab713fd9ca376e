"""A structured city with a location text: the text tells which postal code, never another town.

Adzuna publishes ``location.area`` (country, region, town) and ``display_name`` ("Paris 13e");
the mapping passes the last area as the city and the display name as the text.
"""

from __future__ import annotations

import pytest

from normalizers.fields.location import resolve_location

PACA = "Provence-Alpes-Côte d'Azur"


@pytest.mark.parametrize(
    ("text", "city", "postal_code"),
    [
        ("Paris 13e", "Paris", "75013"),
        ("Paris 12e Arrondissement", "Paris", "75012"),
        ("Lyon 3e Arrondissement", "Lyon", "69003"),
        ("Lyon 3e", "Lyon", "69003"),
        ("Marseille 8e", "Marseille", "13008"),
        ("13090 Aix-en-Provence", "Aix-en-Provence", "13090"),
    ],
)
def test_the_text_gives_the_postal_code_of_the_structured_city(
    text: str, city: str, postal_code: str
) -> None:
    place = resolve_location(text, country_hint="FR", city=city)
    assert (place.city, place.postal_code, place.country) == (city, postal_code, "FR")


@pytest.mark.parametrize(
    ("text", "city", "postal_code"),
    [
        ("Aix-en-Provence", "Aix-en-Provence", "13100"),  # main code, not Luynes' 13080
        (f"Aix-en-Provence, {PACA}", "Aix-en-Provence", "13100"),
        ("Antibes", "Antibes", "06600"),  # not Juan-les-Pins' 06160
        ("Paris", "Paris", None),  # no arrondissement: no code
        ("Paris, Île-de-France", "Paris", None),
        ("Lyon, Auvergne-Rhône-Alpes", "Lyon", None),
    ],
)
def test_without_a_code_in_the_text_the_main_one_or_none(
    text: str, city: str, postal_code: str | None
) -> None:
    place = resolve_location(text, country_hint="FR", city=city)
    assert (place.city, place.postal_code) == (city, postal_code)


def test_a_text_naming_another_place_does_not_move_the_structured_city() -> None:
    place = resolve_location("Vénissieux", country_hint="FR", city="Lyon")
    assert (place.city, place.postal_code) == ("Lyon", None)
    place = resolve_location("Luynes", country_hint="FR", city="Aix-en-Provence")
    assert (place.city, place.postal_code) == ("Aix-en-Provence", "13100")


def test_a_structured_postal_code_wins_over_the_text() -> None:
    place = resolve_location("Paris 13e", country_hint="FR", city="Paris", postal_code="75015")
    assert place.postal_code == "75015"


def test_source_coordinates_are_kept_and_missing_ones_are_the_arrondissement() -> None:
    kept = resolve_location("Paris 13e", city="Paris", latitude=48.83, longitude=2.36)
    assert (kept.latitude, kept.longitude) == (48.83, 2.36)
    filled = resolve_location("Paris 13e", country_hint="FR", city="Paris")
    assert filled.latitude is not None and filled.longitude is not None
    assert abs(filled.latitude - 48.83) < 0.02 and abs(filled.longitude - 2.36) < 0.02
