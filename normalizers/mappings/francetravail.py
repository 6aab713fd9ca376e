"""France Travail offer -> posting.

``lieuTravail.libelle`` is "34 - Montpellier" (département prefix) with ``codePostal`` and
coordinates; ``commune`` is an INSEE code, not a postal code, so it is not used as one.
Contract: ``typeContratLibelle`` ("Intérim - 2 Mois"), the code (CDI, CDD, MIS, SAI, LIB)
and ``alternance``. Salary: ``salaire.libelle`` ("Mensuel de 1833.0 Euros à 2250.0 Euros
sur 12.0 mois"), else the free ``commentaire``. No remote field: télétravail is looked for
in ``complementExercice`` and the description. The page is ``origineOffre.urlOrigine``; the
apply URL is ``contact.urlPostulation`` or the first partner's URL.
"""

from __future__ import annotations

from aggregator.schema import Posting
from normalizers.mappings.base import SourceContext
from normalizers.mappings.common import build_posting, dig, obj, text_of
from spiders.parsers.base import RawRecord

CONTEXT_DEFAULTS: dict[str, str] = {
    "country": "FR",
    "language": "fr",
    "timezone": "Europe/Paris",
    "currency": "EUR",
}
OFFER_PAGE = "https://candidat.francetravail.fr/offres/recherche/detail/{id}"


def map_record(record: RawRecord, ctx: SourceContext) -> Posting | None:
    """Map one France Travail offer (search result or detail)."""
    data = record.data
    place = obj(data.get("lieuTravail"))
    contract = [
        "alternance" if data.get("alternance") is True else None,
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
        source_offer_id=record.source_offer_id,
        url=record.url
        or text_of(dig(data, "origineOffre", "urlOrigine"))
        or OFFER_PAGE.format(id=record.source_offer_id),
        title=text_of(data.get("intitule")),
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
