"""Language detection: offers in the supported languages, and abstention on short text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizers.fields.language import LANGUAGES, corpus_case, detect_language

SAMPLES = Path(__file__).parent / "samples"


def test_france_travail_descriptions_are_french() -> None:
    offers = json.loads((SAMPLES / "france_travail_offre_180HSFM_179PPHH.json").read_text())
    for offer in offers:
        assert detect_language(offer["description"]) == "fr"


def test_remoteok_descriptions_are_english() -> None:
    from normalizers.fields.text import clean_description

    jobs = json.loads((SAMPLES / "remoteok_2024-12-04_subset.json").read_text())
    detected = [detect_language(clean_description(job["description"])[0]) for job in jobs]
    assert detected.count("en") >= len(jobs) - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wir suchen einen erfahrenen Softwareentwickler (m/w/d) für unser Team.", "de"),
        ("Buscamos un ingeniero de software con experiencia en Python.", "es"),
        ("Wij zoeken een ervaren ontwikkelaar voor ons team in Utrecht.", "nl"),
    ],
)
def test_other_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", [None, "", "CDI", "Senior Engineer", "https://x.example/a 123"])
def test_too_short_or_no_letters_gives_none(text: str | None) -> None:
    assert detect_language(text) is None


def test_result_is_always_in_the_supported_set() -> None:
    assert detect_language("Le candidat idéal parle couramment anglais et français.") in LANGUAGES
    # Latin is not in the set: the answer is one of ours or None, never "la"
    assert detect_language("Lorem ipsum dolor sit amet, consectetur adipiscing elit.") in (
        *LANGUAGES,
        None,
    )


def test_corpus_case_shape() -> None:
    assert corpus_case({"text": "Nous recherchons un comptable expérimenté."}) == {"language": "fr"}


def test_function_words_settle_clear_texts_and_leave_the_rest_to_the_model() -> None:
    from normalizers.fields.language import _by_function_words

    french = (
        "Nous recherchons pour notre client un technicien de maintenance. Vous assurez les "
        "interventions sur les équipements et vous participez aux projets avec une équipe "
        "dans un environnement qui bouge."
    )
    german = (
        "Wir suchen für unser Team eine engagierte Pflegefachkraft. Sie sind zuverlässig und "
        "arbeiten gerne mit Menschen, die auf Ihre Hilfe angewiesen sind. Bei uns ist das so."
    )
    assert _by_function_words(french) == "fr"
    assert _by_function_words(german) == "de"
    assert detect_language(french) == "fr" and detect_language(german) == "de"
    assert _by_function_words("Senior Python Developer (Django, AWS)") is None
    mixed = "We are hiring. Nous recrutons. The team and the product; les équipes et le produit."
    assert _by_function_words(mixed) is None
