"""Normalized comparison keys, computed once per record and reused by blocking and scoring."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dedupe.fingerprint import DescriptionPrint, print_of, read_description
from dedupe.places import Place, make_place
from dedupe.records import DedupeRecord
from dedupe.salary import AnnualSalary, annualize
from dedupe.text import fold, words
from dedupe.vocab import vocab

_DIGIT = re.compile(r"\d")
_DOTS = re.compile(r"(?<=\w)\.(?=\w)|\.(?=\s|$)")
_TRACKING = re.compile(r"^(utm_|ref$|source$|src$|from$|origin$|campaign|gclid|fbclid|trk)")


@dataclass(frozen=True, slots=True)
class Keys:
    """Everything dedupe compares, derived from one :class:`DedupeRecord` (a pure function)."""

    title: str  # folded, markers/stop-words removed, word order kept
    title_tokens: frozenset[str]
    company: str  # folded, legal forms removed; "" when unknown
    company_acronym: str  # pattern of a multi-word company's initials ("" otherwise)
    agency: bool  # a staffing agency's ad (templated offers for many clients)
    place: Place
    description: DescriptionPrint | None
    salary: AnnualSalary | None
    url: str
    stated_working_time: str = ""  # "part_time" / "full_time" as the title or text states it
    weekly_hours: float | None = None  # hours a week the title or text states
    stated_remote: str = ""  # "remote" / "hybrid" as the title or text states it


def title_key(title: str, town: str = "") -> tuple[str, frozenset[str]]:
    """Title key and token set: "Développeur·se Python Sr (H/F)" -> "developpeur python senior".

    Acronyms are spelled out ("IDE" -> "infirmier diplome etat"); the words of ``town`` (the
    posting's city key: "Chef de rang - Paris") are left out, the place is compared apart.
    """
    v = vocab()
    text = v.inclusive_endings.sub("", v.gender_markers.sub(" ", fold(title)))
    skipped = set(town.split())
    tokens: list[str] = []
    for token in words(text):
        if token in v.title_stopwords or token in v.title_noise or token in skipped:
            continue
        tokens.extend(v.title_abbreviations.get(token, token).split())
    if not tokens:  # a title made only of stop-words: keep its words rather than nothing
        tokens = words(fold(title))
    return " ".join(tokens), frozenset(tokens)


def company_key(company: str | None) -> tuple[str, str]:
    """Company key and acronym pattern: "Groupe A.C.M.E. France SAS" -> ("acme", "").

    The pattern spells the initials of every word but the legal forms, a particle's or
    country word's initial optional ("Banque du Lys" -> "bd?l"): boards abbreviate an
    employer both ways, BDL and BNP ("Banque Nationale de Paris").
    """
    if not company:
        return "", ""
    v = vocab()
    tokens = words(_DOTS.sub("", fold(company)).replace("&", " "))
    kept = [t for t in tokens if t not in v.company_drop and t not in v.company_noise]
    if not kept:
        kept = [t for t in tokens if t not in v.company_noise] or tokens
    acronym = ""
    if len(kept) >= 2:
        named = [t for t in tokens if t not in v.company_drop]
        acronym = "".join(f"{t[0]}?" if t in v.company_noise else t[0] for t in named)
    return " ".join(kept), acronym


def is_agency(company: str | None) -> bool:
    """Whether a company name reads as a staffing agency ("Intérim Plus", "X Personaldienste")."""
    if not company:
        return False
    padded = f" {' '.join(words(fold(company)))} "
    return any(marker in padded for marker in vocab().agency_markers)


def recruits_for_client(description: DescriptionPrint | None) -> bool:
    """Whether a description opens like a staffing agency's ad ("pour l'un de ses clients")."""
    if description is None:
        return False
    padded = f" {description.prefix} "
    return any(phrase in padded for phrase in vocab().agency_phrases)


def _statement(texts: tuple[str, ...], phrases: dict[str, re.Pattern[str]]) -> str:
    """The one name of ``phrases`` the first text naming any states ("" if it names two)."""
    for normalized in texts:
        if not normalized:
            continue
        found = [name for name, regex in phrases.items() if regex.search(normalized)]
        if found:
            return found[0] if len(found) == 1 else ""
    return ""


def _normalized(text: str) -> str:
    return " ".join(words(fold(text))) if text else ""


def stated_working_time(title: str, description: str) -> str:
    """Working time the title states, else the description ("" when unstated or both named).

    Mappings infer the structured field and can miss "À TEMPS PARTIEL" in a title, so two
    copies of one vacancy may disagree there while their texts agree.
    """
    texts = (_normalized(title), _normalized(description))
    return _statement(texts, vocab().working_time_phrases)


def stated_remote(title: str, description: str) -> str:
    """Remote work the title, else the description, states ("" when unstated or both named)."""
    return _statement((_normalized(title), _normalized(description)), vocab().remote_phrases)


def _weekly_hours(folded_texts: tuple[str, ...]) -> float | None:
    for folded in folded_texts:
        if not folded or _DIGIT.search(folded) is None:
            continue
        found = {
            float(match.group("h").replace(",", "."))
            for match in vocab().weekly_hours.finditer(folded)
        }
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def stated_weekly_hours(title: str, description: str) -> float | None:
    """Hours a week the title, else the description, states ("37,5 hours per week" -> 37.5).

    None when unstated, or when the first text stating hours gives two different weeks.
    """
    return _weekly_hours((fold(title), fold(description)))


def url_key(url: str) -> str:
    """URL without scheme, "www.", fragment, trailing slash or tracking parameters."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = sorted((k, val) for k, val in parse_qsl(parts.query) if not _TRACKING.match(k.lower()))
    return urlunsplit(("", host, parts.path.rstrip("/"), urlencode(query), "")).lstrip("/")


def compute_keys(record: DedupeRecord) -> Keys:
    """All comparison keys of a record (pure: the same record always gives the same keys)."""
    place = make_place(
        record.city, record.postal_code, record.country, record.latitude, record.longitude
    )
    title, tokens = title_key(record.title, place.city)
    company, acronym = company_key(record.company)
    text = read_description(record.description)  # folded once for the print and the terms
    description = print_of(text.kept)
    v = vocab()
    folded = (fold(record.title), text.folded)
    normalized = (" ".join(words(folded[0])), " ".join(text.words))
    return Keys(
        title=title,
        title_tokens=tokens,
        company=company,
        company_acronym=acronym,
        agency=is_agency(record.company) or recruits_for_client(description),
        place=place,
        description=description,
        salary=annualize(
            record.salary_min, record.salary_max, record.salary_currency, record.salary_period
        ),
        url=url_key(record.url),
        stated_working_time=_statement(normalized, v.working_time_phrases),
        weekly_hours=_weekly_hours(folded),
        stated_remote=_statement(normalized, v.remote_phrases),
    )
