"""France Travail offer -> posting.

``lieuTravail.libelle`` is "34 - Montpellier" (département prefix) with ``codePostal`` and
coordinates; ``commune`` is an INSEE code, not a postal code, so it is not used as one.
Contract: ``typeContratLibelle`` ("Intérim - 2 Mois"), the code (CDI, CDD, MIS, SAI, LIB)
and ``alternance``; a title naming an internship or work-study post ("Assistant RH - Stage")
comes first, as those are filed under CDD. Salary: ``salaire.libelle`` ("Mensuel de 1833.0
Euros à 2250.0 Euros sur 12.0 mois"), else the free ``commentaire``. No remote field:
télétravail is looked for in ``complementExercice`` and the description. The page is
``origineOffre.urlOrigine``; the apply URL is ``contact.urlPostulation`` or the first
partner's URL.
"""

from __future__ import annotations

from aggregator.schema import ContractType, Posting
from normalizers.fields.contract import parse_contract_type
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, obj, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {
    "country": "FR",
    "language": "fr",
    "timezone": "Europe/Paris",
    "currency": "EUR",
}
_FILED_AS_CDD = frozenset({ContractType.INTERNSHIP, ContractType.APPRENTICESHIP})
OFFER_PAGE = "https://candidat.francetravail.fr/offres/recherche/detail/{id}"


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one France Travail offer (search result or detail)."""
    data = record.data
    place = obj(data.get("lieuTravail"))
    title = text_of(data.get("intitule"))
    contract = [
        "alternance" if data.get("alternance") is True else None,
        # Internships and work-study posts are filed under CDD: "Stage" in the title wins.
        title if parse_contract_type(title) in _FILED_AS_CDD else None,
        text_of(data.get("typeContratLibelle")),
        text_of(data.get("typeContrat")),
        text_of(data.get("natureContrat")),
    ]
    salary_text = text_of(dig(data, "salaire", "libelle")) or text_of(
        dig(data, "salaire", "commentaire")
    )
    description = text_of(data.get("description"))
    return build_posting(
        ctx,
        contract_from_description=True,
        working_time_from_description=True,
        source_offer_id=record.source_offer_id,
        url=record.url
        or text_of(dig(data, "origineOffre", "urlOrigine"))
        or OFFER_PAGE.format(id=record.source_offer_id),
        title=title,
        company=text_of(dig(data, "entreprise", "nom")),
        description_html_or_text=description,
        location_text=text_of(place.get("libelle")),
        postal_code=text_of(place.get("codePostal")),
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
        contract_texts=contract,
        working_time_texts=[
            text_of(data.get("dureeTravailLibelleConverti")),
            text_of(data.get("dureeTravailLibelle")),
        ],
        remote_texts=[text_of(data.get("complementExercice"))],
        remote_from_description=True,
        salary_raw=salary_text,
        posted_at=text_of(data.get("dateCreation")),
        apply_url=text_of(dig(data, "contact", "urlPostulation"))
        or text_of(dig(data, "origineOffre", "partenaires", 0, "url")),
    )
