"""The ~70 emulated boards (``BOARDS``) and, for the market, what each carries and how it words.

Boards are declared in ``data/sandbox/boards.yaml``. A board owned by a company (an ATS board, a
career site, a staffing agency's feed) carries that company's vacancies; an aggregator carries the
vacancies of its audience (languages, countries, regions, contract types, remote only).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from aggregator.sandbox.model import BoardSpec
from aggregator.sandbox.vocab import load_yaml


@dataclass(frozen=True, slots=True)
class Audience:
    """Which vacancies an aggregator board picks (empty tuples mean any)."""

    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    contracts: tuple[str, ...] = ()
    remote_only: bool = False


@dataclass(frozen=True, slots=True)
class Style:
    """How a board words its copies (see ``kind_styles`` in boards.yaml)."""

    case: str = "asis"  # asis | mixed (some titles in capitals)
    gender: float = 0.5  # probability of a gender marker on the title
    location: tuple[str, ...] = ("city",)  # location forms the board uses
    desc: str = "full"  # full | truncate | plain
    boilerplate: str = ""  # key in templates.yaml boilerplates
    valid_through: bool = False  # the board announces an expiry date
    salary_omit: float = 0.15  # probability a copy drops the salary


@dataclass(frozen=True, slots=True)
class BoardMarket:
    """The market-side facts of one board."""

    key: str
    kind: str
    language: str
    owner: str | None  # company key of an owned board
    weight: float
    audience: Audience
    style: Style


def _style(kind_default: dict[str, Any], override: dict[str, Any]) -> Style:
    merged = {**kind_default, **override}
    return Style(
        case=merged.get("case", "asis"),
        gender=float(merged.get("gender", 0.5)),
        location=tuple(merged.get("location", ["city"])),
        desc=merged.get("desc", "full"),
        boilerplate=merged.get("boilerplate", "") or "",
        valid_through=bool(merged.get("valid_through", False)),
        salary_omit=float(merged.get("salary_omit", 0.15)),
    )


def _audience(raw: dict[str, Any]) -> Audience:
    return Audience(
        languages=tuple(raw.get("languages", ())),
        countries=tuple(raw.get("countries", ())),
        regions=tuple(raw.get("regions", ())),
        contracts=tuple(raw.get("contracts", ())),
        remote_only=raw.get("remote") == "only",
    )


def _load() -> tuple[tuple[BoardSpec, ...], dict[str, BoardMarket]]:
    raw = load_yaml("boards.yaml")
    kind_styles: dict[str, dict[str, Any]] = raw["kind_styles"]
    specs: list[BoardSpec] = []
    markets: dict[str, BoardMarket] = {}
    for b in raw["boards"]:
        spec = BoardSpec(
            key=b["key"],
            name=b["name"],
            kind=b["kind"],
            token=str(b["token"]),
            language=b["language"],
            country=b["country"],
            page_size=int(b.get("page_size", 50)),
            options={str(k): str(v) for k, v in b.get("options", {}).items()},
        )
        specs.append(spec)
        markets[spec.key] = BoardMarket(
            key=spec.key,
            kind=spec.kind,
            language=spec.language,
            owner=b.get("company"),
            weight=float(b.get("weight", 1)),
            audience=_audience(b.get("audience", {})),
            style=_style(kind_styles[spec.kind], b.get("style", {})),
        )
    return tuple(specs), markets


_SPECS, _MARKETS = _load()

BOARDS: tuple[BoardSpec, ...] = _SPECS
"""Every emulated board, in catalogue order."""

BOARD_MARKETS: MappingProxyType[str, BoardMarket] = MappingProxyType(_MARKETS)
"""Market-side facts per board key."""

KINDS: tuple[str, ...] = tuple(sorted({b.kind for b in BOARDS}))


def board(key: str) -> BoardSpec:
    """The board spec for ``key`` (KeyError if unknown)."""
    for spec in BOARDS:
        if spec.key == key:
            return spec
    raise KeyError(key)
