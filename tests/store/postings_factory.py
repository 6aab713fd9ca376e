"""Realistic postings for store tests: accents, long texts, nulls and extreme values.

Each index is a different vacancy (its own company, title and text), so dedupe keeps them
apart and a posting's fields come back unchanged on its own consolidated offer.
"""

from __future__ import annotations

from typing import Any


def full_posting(index: int = 1, **overrides: Any) -> dict[str, Any]:
    """A posting with every field set, French first."""
    record: dict[str, Any] = {
        "source": "partner-fr",
        "source_offer_id": f"FR-{index:06d}",
        "url": f"https://emploi.example.fr/offres/{index}",
        "apply_url": f"https://emploi.example.fr/offres/{index}/postuler",
        "title": f"Développeur·se Python confirmé(e) (H/F) – « Équipe Données {index} »",
        "company": f"Société {index} d'Électricité SAS",
        "description": (
            f"Vous rejoindrez l'équipe n°{index}… Œuvre, ça, naïve, 😀.\n\nMissions : ETL."
        ),
        "description_html": "<p>Vous rejoindrez l'équipe…</p><ul><li>ETL</li></ul>",
        "location_raw": "75 - PARIS 15",
        "city": "Paris",
        "postal_code": "75015",
        "region": "Île-de-France",
        "country": "FR",
        "latitude": 48.8412,
        "longitude": 2.3003,
        "remote": "hybrid",
        "contract_type": "permanent",
        "working_time": "full_time",
        "salary_min": 45000.0,
        "salary_max": 55000.0,
        "salary_currency": "EUR",
        "salary_period": "year",
        "salary_raw": "45 000 € – 55 000 € brut annuel",
        "posted_at": "2026-11-02T08:15:30.123456Z",
        "valid_through": "2026-12-31T23:59:59Z",
        "language": "fr",
    }
    record.update(overrides)
    return record


def minimal_posting(index: int = 1, **overrides: Any) -> dict[str, Any]:
    """Only the required fields: every optional one stays null."""
    record: dict[str, Any] = {
        "source": "partner-min",
        "source_offer_id": f"M{index}",
        "url": f"https://jobs.example.com/{index}",
        "title": f"Warehouse operator, aisle {index}",
    }
    record.update(overrides)
    return record
