"""Drawing what a vacancy is (role, employer, place, terms) from the market's vocabularies.

Weighted pools are precomputed once (:func:`pools`) so drawing a profile is a handful of
``random.choices`` calls: the default market draws thousands of vacancies at start-up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import cache
from itertools import accumulate

from aggregator.sandbox.records import Profile, Salary
from aggregator.sandbox.vocab import (
    Company,
    Occupation,
    Place,
    companies,
    occupations,
    places,
    salary_rules,
    templates,
)

LANGUAGE_SHARE = {"fr": 0.70, "en": 0.18, "de": 0.12}
_DEFAULT_CONTRACTS = {
    "fr": {
        "permanent": 50,
        "fixed_term": 18,
        "temporary": 12,
        "apprenticeship": 8,
        "internship": 6,
        "freelance": 6,
    },
    "en": {
        "permanent": 70,
        "fixed_term": 10,
        "temporary": 8,
        "freelance": 7,
        "internship": 3,
        "apprenticeship": 2,
    },
    "de": {
        "permanent": 65,
        "fixed_term": 15,
        "temporary": 8,
        "apprenticeship": 6,
        "internship": 3,
        "freelance": 3,
    },
}
_AGENCY_CONTRACTS = {"temporary": 70, "fixed_term": 20, "permanent": 10}
_FULL_HOURS = {"fr": (35.0, 35.0, 35.0, 39.0), "en": (37.5, 40.0), "de": (40.0, 38.5, 39.0)}
_PART_HOURS = (20.0, 24.0, 25.0, 28.0, 30.0)
_STEP = {"year": 500.0, "month": 50.0, "hour": 0.01, "day": 10.0}
SALARY_SHARE = 0.6


def primary_language(company: Company) -> str:
    """The language a company mostly writes its offers in."""
    if company.country in ("FR", "BE", "LU"):
        return "fr"
    if company.country in ("DE", "AT"):
        return "de"
    if company.country == "CH":
        first = company.sites[0] if company.sites else ""
        return "fr" if first in ("Genève", "Lausanne") else "de"
    return "en"


@dataclass(frozen=True, slots=True)
class Pools:
    """Precomputed weighted choices (cumulative weights)."""

    companies: dict[str, tuple[tuple[Company, ...], tuple[float, ...]]]
    occupations: dict[str, tuple[tuple[Occupation, ...], tuple[float, ...]]]  # by company key
    sites: dict[str, tuple[tuple[Place, ...], tuple[float, ...]]]  # by company key
    agencies: dict[str, tuple[Company, ...]]  # by country


def _places_named(name: str) -> list[Place]:
    return [p for p in places() if p.name == name or name in p.names.values()]


@cache
def pools() -> Pools:
    """Weighted pools of companies per language, occupations and places per company."""
    comps: dict[str, tuple[list[Company], list[float]]] = {
        lang: ([], []) for lang in LANGUAGE_SHARE
    }
    occs: dict[str, tuple[tuple[Occupation, ...], tuple[float, ...]]] = {}
    sites: dict[str, tuple[tuple[Place, ...], tuple[float, ...]]] = {}
    agencies: dict[str, list[Company]] = {}
    for c in companies().values():
        lang = primary_language(c)
        comps[lang][0].append(c)
        comps[lang][1].append(c.weight * (1.0 - c.en_share))
        if c.en_share and lang != "en":
            comps["en"][0].append(c)
            comps["en"][1].append(c.weight * c.en_share * 3)
        fit = [o for o in occupations() if o.group in c.groups]
        occs[c.key] = (tuple(fit), tuple(o.weight for o in fit))
        if c.sites is None:
            found = [p for p in places() if p.country == c.country]
            weights = [p.population**0.7 for p in found]
        else:
            found, weights = [], []
            for rank, name in enumerate(c.sites):
                named = _places_named(name)
                found.extend(named)
                boost = 3.0 if rank == 0 else 1.0
                weights.extend(
                    boost * p.population / sum(q.population for q in named) for p in named
                )
        if not found:
            raise ValueError(f"company {c.key}: no known place among {c.sites}")
        sites[c.key] = (tuple(found), tuple(weights))
        if c.kind == "agency":
            agencies.setdefault(c.country, []).append(c)
    return Pools(
        companies={k: (tuple(v[0]), tuple(accumulate(v[1]))) for k, v in comps.items()},
        occupations={k: (v[0], tuple(accumulate(v[1]))) for k, v in occs.items()},
        sites={k: (v[0], tuple(accumulate(v[1]))) for k, v in sites.items()},
        agencies={k: tuple(v) for k, v in agencies.items()},
    )


@cache
def _table(items: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    keys = tuple(k for k, _ in items)
    return keys, tuple(accumulate(float(w) for _, w in items))


def _pick(rng: random.Random, weights: dict[str, float] | dict[str, int]) -> str:
    keys, cum = _table(tuple(weights.items()))
    return rng.choices(keys, cum_weights=cum)[0]


def pick_company(rng: random.Random) -> tuple[Company, str]:
    """A company and the language of the offer, following the market's language shares."""
    language = _pick(rng, LANGUAGE_SHARE)
    found, weights = pools().companies[language]
    return rng.choices(found, cum_weights=weights)[0], language


def pick_place(rng: random.Random, company: Company, avoid: set[Place] | None = None) -> Place:
    """One of the company's sites (another than ``avoid`` when it can)."""
    found, weights = pools().sites[company.key]
    for _ in range(8):
        place = rng.choices(found, cum_weights=weights)[0]
        if not avoid or place not in avoid:
            return place
    return place


def pick_occupation(rng: random.Random, company: Company) -> Occupation:
    """A role the company hires for."""
    found, weights = pools().occupations[company.key]
    return rng.choices(found, cum_weights=weights)[0]


def draw_salary(
    rng: random.Random, occ: Occupation, contract: str, country: str, usd: bool
) -> Salary:
    """A salary in the local currency, scaled from the French reference range."""
    rules = salary_rules()
    currency = "USD" if usd else rules["currency"].get(country, "EUR")
    factor = rules["country_factor"]["US" if usd else country]
    lo_ref, hi_ref = occ.pay_fr
    period = occ.period
    if contract in ("internship", "apprenticeship"):
        period, lo_ref, hi_ref = "month", 700.0, 1400.0
    step = _STEP[period]
    low = round(
        round(rng.uniform(lo_ref, lo_ref + 0.7 * (hi_ref - lo_ref)) * factor / step) * step, 2
    )
    shape = rng.choices(("range", "single", "from"), weights=(70, 20, 10))[0]
    if shape == "single":
        return Salary(low, low, currency, period)
    if shape == "from":
        return Salary(low, None, currency, period)
    high = round(round(low * rng.uniform(1.1, 1.3) / step) * step, 2)
    return Salary(low, max(high, low + step), currency, period)


def draw_profile(rng: random.Random, company: Company, language: str) -> Profile:
    """Everything about a fresh vacancy of ``company`` written in ``language``."""
    occ = pick_occupation(rng, company)
    place = pick_place(rng, company)
    if company.kind == "agency":
        contract = _pick(rng, _AGENCY_CONTRACTS)
    else:
        contract = _pick(rng, occ.contracts or _DEFAULT_CONTRACTS[language])
    agency: Company | None = company if company.kind == "agency" else None
    client = rng.randrange(len(templates()["description"][language]["clients"])) if agency else None
    if agency is None and rng.random() < (
        0.35 if contract in ("temporary", "fixed_term") else 0.05
    ):
        fitting = [a for a in pools().agencies.get(company.country, ()) if occ.group in a.groups]
        agency = rng.choice(fitting) if fitting else None
    hybrid, remote = occ.hybrid_share, occ.remote_share
    if company.remote_first and remote > 0:
        hybrid, remote = 0.2, 0.7
    roll = rng.random()
    mode = "remote" if roll < remote else "hybrid" if roll < remote + hybrid else "onsite"
    part = rng.random() < occ.part_time_share
    hours = rng.choice(_PART_HOURS) if part else rng.choice(_FULL_HOURS[language])
    salary = None
    if rng.random() < SALARY_SHARE:
        usd = mode == "remote" and language == "en" and rng.random() < 0.4
        salary = draw_salary(rng, occ, contract, place.country, usd)
    title = rng.choice(occ.titles[language])
    if contract in ("internship", "apprenticeship"):
        title += templates()["title_contract_suffix"][language][contract][0]
    return Profile(
        occupation=occ,
        company=company,
        agency=agency,
        client=client,
        place=place,
        language=language,
        title=title,
        contract_type=contract,
        working_time="part_time" if part else "full_time",
        hours=hours,
        remote=mode,
        salary=salary,
        desc_key=rng.getrandbits(32),
    )


def sibling_role(rng: random.Random, base: Profile) -> Profile | None:
    """Another role at the same company and place (a hard negative of ``base``), if it has one."""
    for _ in range(6):
        other = draw_profile(rng, base.company, base.language)
        if other.occupation.key != base.occupation.key:
            return replace(other, place=base.place, agency=base.agency, client=base.client)
    return None
