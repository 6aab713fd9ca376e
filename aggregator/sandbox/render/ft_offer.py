"""One France Travail ``offre`` object, worded as the real API words it."""

from __future__ import annotations

from typing import Any

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, iso_z, stable_pick, text_lines
from aggregator.sandbox.render.vocab import word

_ARRONDISSEMENTS = {"75": "PARIS", "69": "LYON", "13": "MARSEILLE"}


def departement(postal_code: str | None) -> str | None:
    """Département code of a French postal code (2A/2B for Corsica, 3 digits overseas)."""
    if not postal_code or len(postal_code) != 5 or not postal_code.isdigit():
        return None
    if postal_code.startswith("97"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if int(postal_code) < 20200 else "2B"
    return postal_code[:2]


def commune_code(p: BoardPosting) -> str | None:
    """INSEE code where it can be derived from the postal code (arrondissements), else None."""
    pc = p.postal_code or ""
    if pc[:2] in _ARRONDISSEMENTS and (p.city or "").upper().startswith(_ARRONDISSEMENTS[pc[:2]]):
        base = {"75": 75100, "69": 69380, "13": 13200}[pc[:2]]
        number = int(pc[-2:]) if pc[-2:] != "00" else 1
        return str(base + number)
    return None


def libelle(p: BoardPosting) -> str:
    """``"75 - PARIS 15"``: département prefix and the commune as France Travail writes it."""
    dep = departement(p.postal_code)
    city = p.city or p.location_text
    big = _ARRONDISSEMENTS.get((p.postal_code or "")[:2])
    if big and city.upper().startswith(big) and p.postal_code:
        city = f"{big} {int(p.postal_code[-2:]) or 1}"
    return f"{dep} - {city}" if dep else city


def contract_code(p: BoardPosting) -> str:
    """``typeContrat`` code: CDI, CDD, MIS, LIB."""
    return word("contract", "francetravail", p.contract_type) or "CDI"


def _amount(value: float, style: int) -> str:
    return (f"{value:.2f}".replace(".", ",")) if style == 0 else f"{value:.1f}"


def salary(p: BoardPosting) -> dict[str, str]:
    """``salaire``: a semi-structured ``libelle`` in one of the real spellings, plus comment."""
    out: dict[str, str] = {}
    if p.salary_min is not None and p.salary_period:
        prefix = word("period", "francetravail", p.salary_period) or "Annuel"
        style = stable_pick(p.source_offer_id, 3)
        text = f"{prefix} de {_amount(p.salary_min, style)} Euros"
        if p.salary_max is not None and p.salary_max != p.salary_min:
            text += f" à {_amount(p.salary_max, style)} Euros"
        if style:
            text += " sur 12.0 mois" if style == 1 else " sur 12 mois"
        out["libelle"] = text
    if p.salary_text:
        out["commentaire"] = p.salary_text
    return out


def offer(view: BoardView, p: BoardPosting) -> dict[str, Any]:
    """The full offer object (search results and detail share it)."""
    code = contract_code(p)
    label = word("contract", "francetravail_label", code) or code
    if code in ("CDD", "MIS"):
        label += f" - {(3, 6, 12)[stable_pick(p.source_offer_id, 3)]} Mois"
    place: dict[str, Any] = {"libelle": libelle(p)}
    if p.latitude is not None and p.longitude is not None:
        place.update(latitude=p.latitude, longitude=p.longitude)
    if p.postal_code:
        place["codePostal"] = p.postal_code
    insee = commune_code(p)
    if insee:
        place["commune"] = insee
    hours = p.hours_per_week or (35.0 if p.working_time != "part_time" else 24.0)
    url = f"https://candidat.francetravail.fr/offres/recherche/detail/{p.source_offer_id}"
    item: dict[str, Any] = {
        "id": p.source_offer_id,
        "intitule": p.title,
        "description": text_lines(p.description_html),
        "dateCreation": iso_z(p.posted_at, ms=True),
        "dateActualisation": iso_z(p.updated_at, ms=True),
        "lieuTravail": place,
        "entreprise": {"nom": p.company, "entrepriseAdaptee": False},
        "typeContrat": code,
        "typeContratLibelle": label,
        "natureContrat": word("contract", "francetravail_nature", p.contract_type)
        or "Contrat travail",
        "experienceExige": "D",
        "experienceLibelle": "Débutant accepté",
        "salaire": salary(p),
        "dureeTravailLibelle": f"{hours:g}H Horaires normaux",
        "dureeTravailLibelleConverti": "Temps partiel"
        if p.working_time == "part_time"
        else "Temps plein",
        "alternance": p.contract_type == "apprenticeship",
        "contact": {"nom": p.company, "urlPostulation": p.apply_url}
        if p.apply_url
        else {"nom": p.company},
        "nombrePostes": 1,
        "accessibleTH": False,
        "origineOffre": {"origine": "1", "urlOrigine": url},
        "offresManqueCandidats": False,
    }
    if p.valid_through is not None:
        item["dateFinValidite"] = iso_z(p.valid_through, ms=True)
    return item
