"""Remote: structured flags of each source kind, phrases in three languages, negations."""

from __future__ import annotations

import pytest

from aggregator.schema import Remote
from normalizers.fields.remote import corpus_case, parse_remote


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("TELECOMMUTE", Remote.REMOTE),  # schema.org jobLocationType
        ("on-site", Remote.ONSITE),  # Lever workplaceType
        ("hybrid", Remote.HYBRID),
        ("unspecified", None),
        ("OnSite", Remote.ONSITE),  # Ashby workplaceType
        (True, Remote.REMOTE),  # SmartRecruiters location.remote, Ashby isRemote
        (False, None),  # Arbeitnow remote:false means "not marked remote", not on-site
        ("false", None),
        (None, None),
    ],
)
def test_flags(flag: bool | str | None, expected: Remote | None) -> None:
    assert parse_remote("Berlin, Germany", flag=flag) is expected


def test_enumerated_flag_beats_text_but_boolean_yields_to_hybrid_text() -> None:
    assert parse_remote("Hybride, 2 jours sur site", flag="remote") is Remote.REMOTE
    assert parse_remote("Télétravail partiel 2j/semaine", flag=True) is Remote.HYBRID
    assert parse_remote("Remote - Europe", flag="unspecified") is Remote.REMOTE


def test_unknown_flag_text_is_read_as_text() -> None:
    assert parse_remote(flag="Remote (US only)") is Remote.REMOTE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100% télétravail", Remote.REMOTE),
        ("télétravail total", Remote.REMOTE),
        ("télétravail possible", Remote.HYBRID),
        ("Pas de télétravail", Remote.ONSITE),
        ("Télétravail non possible", Remote.ONSITE),
        ("No remote work, this role is office-based.", Remote.ONSITE),
        ("Kein Homeoffice", Remote.ONSITE),
        ("Homeoffice nicht möglich", Remote.ONSITE),
        ("Home-Office möglich", Remote.HYBRID),
        ("fully remote", Remote.REMOTE),
        ("Pas de full remote, mais 2 jours de télétravail par semaine.", Remote.HYBRID),
    ],
)
def test_phrases_and_negations(text: str, expected: Remote) -> None:
    assert parse_remote(text) is expected


def test_incidental_words_are_not_signals() -> None:
    assert parse_remote("Remote Sensing Analyst") is None
    long_description = (
        "Vous rejoignez une équipe de 12 personnes. Un restaurant d'entreprise est disponible "
        "sur site, ainsi qu'un parking. Vous travaillerez sur des projets de grande envergure "
        "pour nos clients industriels et participerez aux rituels agiles de l'équipe."
    )
    assert parse_remote(long_description) is None


def test_corpus_case_shape() -> None:
    assert corpus_case({"texts": ["Remote - Europe"], "flag": None}) == {"remote": "remote"}


def test_a_bare_mention_is_weak_hybrid() -> None:
    benefits = "Avantages : tickets restaurant, télétravail, mutuelle."
    assert parse_remote(benefits) is Remote.HYBRID
    # a source that flags the job remote is not contradicted by a bare benefit mention
    assert parse_remote(benefits, flag=True) is Remote.REMOTE
    # an explicit remote statement beats "remote-friendly culture"
    text = "Although this is a remote position, you must live in Canada. Remote-friendly culture."
    assert parse_remote(text) is Remote.REMOTE
