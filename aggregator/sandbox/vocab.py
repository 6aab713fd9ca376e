"""The sandbox market's vocabularies, loaded once from ``data/sandbox/*.yaml``.

Occupations, companies, places and wording are data so that the market can grow without code
changes; this module only turns the YAML into small typed records the generator can use quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name: str) -> Any:
    """One data file of ``data/sandbox`` (packaged with the project)."""
    text = resources.files("data").joinpath("sandbox", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)  # a safe loader (libyaml's when built)


@dataclass(frozen=True, slots=True)
class Occupation:
    """A role: its synonym titles per language, pay reference and mission lines."""

    key: str
    group: str
    weight: float
    titles: dict[str, tuple[str, ...]]
    period: str
    pay_fr: tuple[float, float]
    hybrid_share: float
    remote_share: float
    contracts: dict[str, float]
    missions: dict[str, tuple[str, ...]]
    part_time_share: float = 0.15


@dataclass(frozen=True, slots=True)
class Company:
    """An invented employer, chain or staffing agency."""

    key: str
    name: str
    legal: str
    acronym: str | None
    country: str
    kind: str  # employer | chain | agency
    groups: tuple[str, ...]
    sector: str
    sites: tuple[str, ...] | None  # None: anywhere in the country
    weight: float
    en_share: float = 0.0
    remote_first: bool = False
    group_prefix: bool = False


@dataclass(frozen=True, slots=True)
class Place:
    """A town (or a Paris/Lyon/Marseille arrondissement) with real postal code and coordinates."""

    name: str  # local name, without arrondissement
    postal_code: str
    country: str
    region: str
    lat: float
    lon: float
    population: int
    language: str
    dept: str | None = None  # French département code
    dept_name: str | None = None
    arrondissement: int | None = None
    names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # per language

    def label(self, language: str) -> str:
        """The town's name as written in ``language``."""
        return self.names.get(language, self.name)


def _occupation(raw: dict[str, Any]) -> Occupation:
    salary = raw["salary"]
    hybrid, remote = raw.get("remote", [0.0, 0.0])
    return Occupation(
        key=raw["key"],
        group=raw["group"],
        weight=float(raw["weight"]),
        titles={lang: tuple(t) for lang, t in raw["titles"].items()},
        period=salary["period"],
        pay_fr=(float(salary["fr"][0]), float(salary["fr"][1])),
        hybrid_share=float(hybrid),
        remote_share=float(remote),
        contracts={k: float(v) for k, v in raw.get("contracts", {}).items()},
        missions={lang: tuple(m) for lang, m in raw["missions"].items()},
        part_time_share=float(raw.get("part_time_share", 0.15)),
    )


def _company(raw: dict[str, Any]) -> Company:
    sites = raw.get("sites", "national")
    return Company(
        key=raw["key"],
        name=raw["name"],
        legal=raw.get("legal") or "",
        acronym=raw.get("acronym"),
        country=raw["country"],
        kind=raw["kind"],
        groups=tuple(raw["groups"]),
        sector=raw["sector"],
        sites=None if sites == "national" else tuple(sites),
        weight=float(raw.get("weight", 1)),
        en_share=float(raw.get("en_share", 0.0)),
        remote_first=bool(raw.get("remote_first", False)),
        group_prefix=bool(raw.get("group_prefix", False)),
    )


@cache
def occupations() -> tuple[Occupation, ...]:
    """Every occupation, in file order."""
    return tuple(_occupation(o) for o in load_yaml("occupations.yaml")["occupations"])


@cache
def companies() -> dict[str, Company]:
    """Every company by key, in file order."""
    return {c["key"]: _company(c) for c in load_yaml("companies.yaml")["companies"]}


@cache
def places() -> tuple[Place, ...]:
    """French communes first (arrondissements included), then foreign cities."""
    raw = load_yaml("places.yaml")
    depts = {str(k): v for k, v in raw["departments"].items()}
    out = [
        Place(
            name=c["name"],
            postal_code=str(c["postal_code"]),
            country="FR",
            region=depts[str(c["dept"])]["region"],
            lat=float(c["lat"]),
            lon=float(c["lon"]),
            population=int(c["population"]),
            language="fr",
            dept=str(c["dept"]),
            dept_name=depts[str(c["dept"])]["name"],
            arrondissement=c.get("arrondissement"),
        )
        for c in raw["communes"]
    ]
    out.extend(
        Place(
            name=f["name"],
            postal_code=str(f["postal_code"]),
            country=f["country"],
            region=f["region"],
            lat=float(f["lat"]),
            lon=float(f["lon"]),
            population=int(f["population"]),
            language=f["language"],
            names=dict(f["names"]),
        )
        for f in raw["foreign"]
    )
    return tuple(out)


@cache
def templates() -> dict[str, Any]:
    """Wording: gender markers, labels, description sentences, boilerplates."""
    data: dict[str, Any] = load_yaml("templates.yaml")
    return data


@cache
def salary_rules() -> dict[str, Any]:
    """Country factors, currencies and salary text forms."""
    data: dict[str, Any] = load_yaml("salary.yaml")
    return data
