"""How one board words a vacancy's title, company and location (the small, telling differences).

Each function takes the copy's own random stream so the same copy is always worded the same way,
while two copies of one vacancy differ the way real cross-posts do: gender markers, capitals,
legal suffixes, acronyms, "Paris 15e" against "75015 Paris" or "75 - PARIS 15".
"""

from __future__ import annotations

import random
import unicodedata

from aggregator.sandbox.boards import Style
from aggregator.sandbox.records import Profile
from aggregator.sandbox.vocab import Company, Place, templates


def strip_accents(text: str) -> str:
    """ "Héliopay" -> "Heliopay": some boards drop diacritics."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def title(rng: random.Random, profile: Profile, style: Style, city: str) -> str:
    """The title as this board publishes it."""
    t = templates()
    lang = profile.language
    text = profile.title
    if rng.random() < 0.2:
        text = rng.choice(profile.occupation.titles[lang])
    if profile.working_time == "part_time" and rng.random() < 0.3:
        text += rng.choice(t["part_time_marker"][lang])
    if rng.random() < 0.15:
        text += rng.choice(t["title_contract_suffix"][lang][profile.contract_type])
    if rng.random() < style.gender:
        marker = _weighted(rng, t["gender_markers"][lang])
        if marker:
            text = f"{text} {marker}"
    if rng.random() < 0.08 and city:
        text = f"{text} - {city}"
    upper_share = 0.3 if style.case == "mixed" else 0.04
    roll = rng.random()
    if roll < upper_share:
        text = text.upper()
    elif roll < upper_share + 0.03:
        text = text.lower()
    return text


def company(rng: random.Random, firm: Company) -> str:
    """The company name as this board writes it."""
    forms: dict[str, int] = {"name": 40, "accents": 8}
    if firm.legal:
        forms.update(legal=20, upper=10)
    if firm.acronym:
        forms["acronym"] = 6
    forms["group"] = 25 if firm.group_prefix else 4
    if firm.country == "FR" and firm.kind != "agency":
        forms["country"] = 5
    form = _weighted(rng, forms)
    name = firm.name
    if form == "legal":
        return f"{name} {firm.legal}"
    if form == "upper":
        return f"{name.upper()} {firm.legal}".strip()
    if form == "accents":
        return strip_accents(name)
    if form == "acronym" and firm.acronym:
        return firm.acronym if rng.random() < 0.5 else f"{firm.acronym} ({name})"
    if form == "group":
        return f"Groupe {name}" if firm.country in ("FR", "BE", "CH", "LU") else f"{name} Group"
    if form == "country":
        return f"{name} France"
    return name


def _arr(place: Place, long: bool) -> str:
    n = place.arrondissement
    if n is None:
        return place.name
    suffix = "er" if n == 1 else "e"
    return f"{place.name} {n}{suffix}" + (" Arrondissement" if long else "")


def location(rng: random.Random, profile: Profile, style: Style) -> tuple[str, bool]:
    """The location text, and whether it names the town (False for "Remote"-like texts)."""
    t = templates()
    lang, place = profile.language, profile.place
    form = rng.choice(style.location)
    if form == "remote" or (profile.remote == "remote" and rng.random() < 0.5):
        return rng.choice(t["remote_locations"][lang]), False
    city = place.label(lang)
    if place.country != "FR":
        country = t["country_names"][lang].get(place.country, place.country)
        foreign = {
            "cp_city": (
                f"{city} {place.postal_code}"
                if place.country in ("GB", "IE")
                else f"{place.postal_code} {place.name}"
            ),
            "city_country": f"{city}, {country}",
            "city_region": f"{city}, {place.region}",
            "upper": city.upper(),
        }
        text = foreign.get(form, city)
    else:
        dept = place.dept or ""
        big = place.name.upper() + (f" {place.arrondissement}" if place.arrondissement else "")
        texts = {
            "city": city,
            "city_arr": _arr(place, long=rng.random() < 0.3),
            "cp_city": f"{place.postal_code} {city}",
            "city_dept": f"{city} ({dept})",
            "ft": f"{dept} - {big if place.arrondissement else city}",
            "city_region": f"{city}, {place.region}",
            "city_country": f"{city}, France",
            "upper": big,
            "city_dash_dept": f"{city} - {place.dept_name}",
        }
        text = texts.get(form, city)
    if profile.remote == "hybrid" and rng.random() < 0.3:
        text += rng.choice(t["hybrid_suffix"][lang])
    return text, True
