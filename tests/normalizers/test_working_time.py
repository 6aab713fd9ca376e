"""Working time: labels, enums and weekly hours (35 h threshold)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.schema import WorkingTime
from normalizers.fields.working_time import corpus_case, parse_working_time

SAMPLES = Path(__file__).parent / "samples"
FULL, PART = WorkingTime.FULL_TIME, WorkingTime.PART_TIME


def test_france_travail_recorded_offers() -> None:
    offers = json.loads((SAMPLES / "france_travail_offre_180HSFM_179PPHH.json").read_text())
    for offer in offers:
        assert parse_working_time(offer["dureeTravailLibelleConverti"]) is FULL
        assert parse_working_time(offer["dureeTravailLibelle"]) is FULL  # "38H", "35H"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35H", FULL),
        ("34H", PART),
        ("24H/semaine", PART),
        ("35H30 Horaires normaux", FULL),
        ("17H30 Horaires normaux", PART),
        ("151,67 H/mois", FULL),
        ("86,67 H/mois", PART),
        ("40 hours per week", FULL),
        ("30 Std./Woche", PART),
        ("Die Wochenarbeitszeit beträgt 39 Stunden.", FULL),
    ],
)
def test_hours_threshold(text: str, expected: WorkingTime) -> None:
    assert parse_working_time(text) is expected


def test_times_of_day_are_not_durations() -> None:
    assert parse_working_time("Horaires : de 9h à 17h, pause de 12h à 13h.") is None
    assert parse_working_time("9H-17H") is None


@pytest.mark.parametrize(
    "text",
    [
        "Vollzeit oder Teilzeit",
        "Voll- oder Teilzeit",
        "Full-time or part-time",
        "Vollzeit, Teilzeit",
    ],
)
def test_both_offered_is_undecided(text: str) -> None:
    assert parse_working_time(text) is None


def test_undecided_text_falls_through_to_the_next() -> None:
    assert parse_working_time("Temps plein ou temps partiel", "Temps partiel") is PART


def test_labels_and_enums() -> None:
    assert parse_working_time("FULL_TIME") is FULL
    assert parse_working_time("PartTime") is PART
    assert parse_working_time("Teilzeit") is PART
    assert parse_working_time("CONTRACTOR", "Data Engineer (full-time)") is FULL
    assert parse_working_time("Pas de temps partiel possible, poste à temps plein.") is FULL


def test_corpus_case_shape() -> None:
    assert corpus_case({"texts": ["temps partiel 24h"]}) == {"working_time": "part_time"}
