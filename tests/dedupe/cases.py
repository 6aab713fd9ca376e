"""Hand-written French postings for the must-merge / must-not-merge cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from aggregator.schema import ContractType, SalaryPeriod, WorkingTime
from dedupe.records import DedupeRecord

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

LUMEN_TEXT = (
    "Maison Lumen, fabricant de luminaires design installé dans le 15e arrondissement, "
    "renforce son équipe finance. Rattaché(e) à la responsable comptable, vous prenez en charge "
    "la comptabilité fournisseurs : saisie et contrôle des factures, rapprochements, relances "
    "et préparation des règlements. Vous participez aux clôtures mensuelles et annuelles et "
    "à l'amélioration de nos outils (Sage, Excel). Profil : Bac+2 en comptabilité, trois ans "
    "d'expérience sur un poste similaire, rigueur et sens du service. Avantages : tickets "
    "restaurant, mutuelle prise en charge à 70 %, deux jours de télétravail par semaine."
)

BASE = DedupeRecord(
    key="welcome:4411",
    source="welcome",
    source_offer_id="4411",
    url="https://welcome.example/fr/companies/maison-lumen/jobs/4411",
    title="Comptable fournisseurs (H/F)",
    company="Maison Lumen SAS",
    description=LUMEN_TEXT,
    city="Paris 15e",
    postal_code=None,
    country="FR",
    contract_type=ContractType.PERMANENT,
    working_time=WorkingTime.FULL_TIME,
    salary_min=35000,
    salary_max=40000,
    salary_currency="EUR",
    salary_period=SalaryPeriod.YEAR,
    posted_at=T0,
)


def copy_of(record: DedupeRecord, source: str, oid: str, **changes: object) -> DedupeRecord:
    """Another board's copy of ``record`` (new key, id and URL), with some fields changed."""
    return replace(
        record,
        key=f"{source}:{oid}",
        source=source,
        source_offer_id=oid,
        url=f"https://{source}.example/offres/{oid}",
        **changes,  # type: ignore[arg-type]
    )


def days(n: float) -> timedelta:
    return timedelta(days=n)
