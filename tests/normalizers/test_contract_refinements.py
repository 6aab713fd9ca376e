"""Contract and working time where the structured field is silent, ambiguous or too coarse.

France Travail files internships under CDD; Adzuna's "contract" covers CDD, intérim and
freelance; schema.org ``TEMPORARY`` covers CDD and intérim; many formats have no working
time field, while the description says "Contrat : CDD - Temps plein".
"""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.schema import ContractType, WorkingTime
from normalizers.mappings import get_mapping
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting
from spiders.parsers.base import RawRecord

NOW = datetime(2026, 11, 3, tzinfo=UTC)
OFFER_LINES = (
    "<p>Nous vous proposons</p><ul><li>Contrat : CDD - Temps partiel (24 h/semaine)</li></ul>"
)


def _ctx(kind: str) -> SourceContext:
    return SourceContext(source=f"test-{kind}", kind=kind, now=NOW)


def _france_travail(title: str, alternance: bool = False) -> RawRecord:
    return RawRecord(
        "995AAOV",
        {
            "id": "995AAOV",
            "intitule": title,
            "description": "Rejoignez Marché Plus !",
            "typeContrat": "CDD",
            "typeContratLibelle": "Contrat à durée déterminée - 12 Mois",
            "natureContrat": "Contrat travail",
            "dureeTravailLibelleConverti": "Temps plein",
            "alternance": alternance,
        },
    )


def test_france_travail_internship_filed_as_cdd_is_an_internship() -> None:
    mapping = get_mapping("francetravail")
    posting = mapping.map_record(
        _france_travail("Responsable logistique - Stage (H/F)"), _ctx("francetravail")
    )
    assert posting is not None and posting.contract_type is ContractType.INTERNSHIP
    plain = mapping.map_record(
        _france_travail("Responsable logistique (H/F)"), _ctx("francetravail")
    )
    assert plain is not None and plain.contract_type is ContractType.FIXED_TERM


def _adzuna(contract: str, description: str) -> RawRecord:
    return RawRecord(
        "3393216577",
        {
            "id": "3393216577",
            "title": "Agent de nettoyage",
            "description": description,
            "redirect_url": "https://www.adzuna.fr/land/ad/3393216577",
            "contract_type": contract,
        },
    )


def test_adzuna_contract_is_read_from_the_description_or_left_null() -> None:
    mapping = get_mapping("adzuna")
    told = mapping.map_record(_adzuna("contract", "Contrat : CDD - Temps partiel"), _ctx("adzuna"))
    assert told is not None and told.contract_type is ContractType.FIXED_TERM
    silent = mapping.map_record(_adzuna("contract", "Agent de nettoyage à Paris."), _ctx("adzuna"))
    assert silent is not None and silent.contract_type is None
    permanent = mapping.map_record(_adzuna("permanent", "Agent de nettoyage."), _ctx("adzuna"))
    assert permanent is not None and permanent.contract_type is ContractType.PERMANENT


def _posting(**kwargs: object):  # type: ignore[no-untyped-def]
    return build_posting(
        _ctx("jsonld"),
        source_offer_id="1",
        url="https://example.org/1",
        title="Agent de nettoyage",
        description_html_or_text=OFFER_LINES,
        **kwargs,  # type: ignore[arg-type]
    )


def test_temporary_is_refined_by_a_cdd_in_the_description_only_when_asked() -> None:
    refined = _posting(contract_texts=["TEMPORARY"], contract_from_description=True)
    assert refined is not None and refined.contract_type is ContractType.FIXED_TERM
    kept = _posting(contract_texts=["TEMPORARY"])
    assert kept is not None and kept.contract_type is ContractType.TEMPORARY
    # A structured value other than temporary is never overridden by the description.
    firm = _posting(contract_texts=["FULL_TIME", "INTERN"], contract_from_description=True)
    assert firm is not None and firm.contract_type is ContractType.INTERNSHIP


def test_working_time_falls_back_to_the_description() -> None:
    read = _posting(working_time_from_description=True)
    assert read is not None and read.working_time is WorkingTime.PART_TIME
    assert _posting().working_time is None  # type: ignore[union-attr]
    field_first = _posting(working_time_texts=["FULL_TIME"], working_time_from_description=True)
    assert field_first is not None and field_first.working_time is WorkingTime.FULL_TIME
