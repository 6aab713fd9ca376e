"""Contract type: structured codes of real sources, labels, and phrases in titles/descriptions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.schema import ContractType
from normalizers.fields.contract import corpus_case, parse_contract_type

SAMPLES = Path(__file__).parent / "samples"


def test_france_travail_recorded_offers() -> None:
    offers = json.loads((SAMPLES / "france_travail_offre_180HSFM_179PPHH.json").read_text())
    for offer in offers:
        got = parse_contract_type(
            offer["typeContrat"], offer["typeContratLibelle"], offer["intitule"]
        )
        assert got is ContractType.TEMPORARY  # both are "MIS" / "Intérim - N Mois"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("CDI",), ContractType.PERMANENT),
        (("SAI",), ContractType.FIXED_TERM),
        (("Intérim - 2 Mois",), ContractType.TEMPORARY),
        (("FULL_TIME", "CONTRACTOR"), ContractType.FREELANCE),
        (("INTERN",), ContractType.INTERNSHIP),
        (("Regular Full Time (Salary)",), ContractType.PERMANENT),
        (("Werkstudent (m/w/d) Vertrieb",), ContractType.TEMPORARY),
        (("trainee",), ContractType.APPRENTICESHIP),
    ],
)
def test_codes_and_labels(texts: tuple[str, ...], expected: ContractType) -> None:
    assert parse_contract_type(*texts) is expected


def test_first_informative_text_wins() -> None:
    assert parse_contract_type("CDD", "Stage - Assistant RH") is ContractType.FIXED_TERM
    # a known code that says nothing about the contract falls through to the title
    assert parse_contract_type("FULL_TIME", "Stage - Assistant RH") is ContractType.INTERNSHIP
    assert parse_contract_type(None, "", "Comptable en alternance") is ContractType.APPRENTICESHIP


def test_negation_is_respected() -> None:
    assert (
        parse_contract_type("Nous ne proposons pas de CDD : le poste est en CDI.")
        is ContractType.PERMANENT
    )
    assert parse_contract_type("Kein Praktikum, keine Zeitarbeit.") is None


@pytest.mark.parametrize(
    "title",
    [
        "Régisseur backstage (H/F)",
        "Senior PM - Early-stage startup",
        "Internal Audit Manager",
        "Contract Manager",
        "Ausbildungsleiter (m/w/d)",
        "Responsable des stages (H/F)",
    ],
)
def test_words_inside_other_words_or_roles_are_not_signals(title: str) -> None:
    assert parse_contract_type(None, title) is None


def test_title_words_do_not_apply_inside_description_sentences() -> None:
    description = "Vous avez une première expérience (stage ou alternance) en environnement cloud."
    assert parse_contract_type(None, "Ingénieur DevOps", description) is None
    assert parse_contract_type(None, "Stage - Ingénieur DevOps", description) is (
        ContractType.INTERNSHIP
    )


def test_unusable_inputs_give_none() -> None:
    assert parse_contract_type() is None
    assert parse_contract_type(None, "", "   ") is None
    assert parse_contract_type(12, True, ["CDI"]) is ContractType.PERMANENT  # type: ignore[arg-type]


def test_corpus_case_shape() -> None:
    assert corpus_case({"texts": ["LIB"]}) == {"contract_type": "freelance"}
    assert corpus_case({"texts": []}) == {"contract_type": None}
