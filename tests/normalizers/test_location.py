"""The location normalizer on the labelled corpus, on real board strings, and on any input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.fields.location import Place, _resolve, corpus_case, resolve_location
from normalizers.fields.location_text import split_parts, split_places
from normalizers.gazetteer import strip_accents

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "location.jsonl"
CASES = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
COORDINATE_TOLERANCE = 0.05


def _agrees(key: str, expected: Any, got: Any) -> bool:
    if key in ("latitude", "longitude") and expected is not None:
        return got is not None and abs(got - expected) <= COORDINATE_TOLERANCE
    return bool(got == expected)


def test_corpus_is_large_and_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(CASES) >= 80
    assert len(set(ids)) == len(ids)
    assert sum(case["lang"] == "fr" for case in CASES) >= 40
    for case in CASES:
        assert case["field"] == "location"
        assert set(case["expected"]) <= {
            "city",
            "postal_code",
            "region",
            "country",
            "latitude",
            "longitude",
        }


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_corpus_case(case: dict[str, Any]) -> None:
    got = corpus_case(case["input"])
    wrong = {
        key: (value, got[key])
        for key, value in case["expected"].items()
        if not _agrees(key, value, got[key])
    }
    assert not wrong, f"{case['input']!r}: expected vs got {wrong}"


def test_real_france_travail_lieu_travail_keeps_source_coordinates() -> None:
    lieu: dict[str, Any] = {
        "libelle": "34 - Saint-Aunès",
        "latitude": 43.63586,
        "longitude": 3.962108,
        "codePostal": "34130",
    }
    place = resolve_location(
        lieu["libelle"],
        country_hint="FR",
        postal_code=lieu["codePostal"],
        latitude=lieu["latitude"],
        longitude=lieu["longitude"],
    )
    assert place == Place("Saint-Aunès", "34130", "Occitanie", "FR", 43.63586, 3.962108)


def test_postal_code_picks_the_commune_among_those_sharing_it() -> None:
    # 34130 serves Mauguio, Saint-Aunès, Lansargues, ...: the name decides.
    assert resolve_location("34130 Lansargues").city == "Lansargues"
    assert resolve_location("34130 Saint-Aunès").city == "Saint-Aunès"
    # alone, the largest commune of the code
    assert resolve_location("34130").city == "Mauguio"


def test_postal_code_and_name_must_agree() -> None:
    place = resolve_location("75015 Paris")
    assert (place.city, place.postal_code) == ("Paris", "75015")
    assert (
        place.latitude is not None and abs(place.latitude - 48.84) < 0.02
    )  # the 15th, not Paris centre
    # a postal code from another département is dropped rather than attached to the wrong city
    assert resolve_location("13001 Lille").postal_code != "13001"


def test_departement_number_disambiguates_homonyms() -> None:
    drome, tarn = resolve_location("Valence (26)"), resolve_location("Valence (82)")
    assert (drome.region, tarn.region) == ("Auvergne-Rhône-Alpes", "Occitanie")
    assert drome.postal_code == "26000" and tarn.postal_code == "82400"


def test_country_hint_breaks_ties_between_homonyms() -> None:
    assert resolve_location("Valence", country_hint="FR").country == "FR"
    assert resolve_location("Valence", country_hint="ES").city == "Valencia"
    assert resolve_location("Cologne", country_hint="FR").country == "FR"  # the Gers village
    assert resolve_location("Cologne").city == "Köln"
    assert resolve_location("London", country_hint="GB").country == "GB"


def test_structured_parts_win_over_text() -> None:
    place = resolve_location("Lyon", city="Marseille", country="FR")
    assert place.city == "Marseille"
    unknown = resolve_location("Boston", city="Smallville", country="US")
    assert (unknown.city, unknown.country) == ("Smallville", "US")
    assert resolve_location("Paris, France", country="BE").country == "BE"


def test_bad_structured_values_are_ignored() -> None:
    place = resolve_location(
        "Paris 15e", latitude=float("nan"), longitude=500.0, country="Atlantis"
    )
    assert place.city == "Paris" and place.latitude == pytest.approx(48.84, abs=0.02)
    assert resolve_location(None, country="not a country") == Place()


def test_multiple_places_keep_what_they_share() -> None:
    assert resolve_location("Paris / Lyon") == Place(country="FR")
    assert resolve_location("Berlin oder München").country == "DE"
    assert resolve_location("Paris 15e / Paris 8e").city == "Paris"
    assert resolve_location("France, Belgique").country is None


def test_names_with_parentheses_are_not_split() -> None:
    assert resolve_location("Frankfurt (Oder)").region == "Brandenburg"
    assert resolve_location("Halle (Saale)").region == "Sachsen-Anhalt"
    assert resolve_location("Frankfurt am Main").region == "Hessen"


def test_text_splitting_reads_french_shapes() -> None:
    [parts] = [split_parts(place) for place in split_places("75 - PARIS 08")]
    assert parts[0].departement == "75" and parts[1].insee == "75108"
    [[part]] = [split_parts(place) for place in split_places("Lyon 3e Arrondissement")]
    assert part.insee == "69383"
    [[part]] = [split_parts(place) for place in split_places("92400 Courbevoie Cedex 3")]
    assert (part.key, part.postal_code) == ("courbevoie", "92400")


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.none(), st.text(max_size=60)),
    hint=st.one_of(st.none(), st.sampled_from(["FR", "DE", "us", "xx", ""])),
    city=st.one_of(st.none(), st.text(max_size=20)),
    postal=st.one_of(st.none(), st.from_regex(r"\d{5}", fullmatch=True), st.text(max_size=8)),
    lat=st.one_of(st.none(), st.floats(allow_nan=True)),
)
def test_never_raises_and_returns_valid_values(
    text: str | None, hint: str | None, city: str | None, postal: str | None, lat: float | None
) -> None:
    place = _resolve(text, hint, city, postal, None, None, lat, 2.0)
    assert place.country is None or (len(place.country) == 2 and place.country.isupper())
    assert place.latitude is None or -90 <= place.latitude <= 90
    assert (place.latitude is None) == (place.longitude is None)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([case["input"]["text"] for case in CASES if case["input"].get("text")]))
def test_case_and_accents_do_not_matter(text: str) -> None:
    place = resolve_location(text)
    assert resolve_location(text.upper()) == place
    assert resolve_location(f"  {text} ") == place
    assert resolve_location(strip_accents(text)) == place
