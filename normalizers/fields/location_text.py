"""Splitting of a board's location text into places and parts, before any lookup.

A location text is one or more *places* ("Paris / Lyon", "US/Canada", "Utah and Colorado"),
each a list of *parts* from the most to the least specific ("Munich, Bavaria, Germany") or the
other way round ("US, CA, Santa Clara"). French boards add their own shapes, read here into
fields of :class:`Part`: a département prefix or suffix ("75 - PARIS 08", "Lyon (69)"), a
postal code ("75015 Paris"), an arrondissement ("Paris 15e", "Lyon 3e Arrondissement"), CEDEX.
Flag emojis become their country's name. Nothing here raises or looks anything up but the
country names of flags.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from normalizers.gazetteer.folding import fold

_PLACES = re.compile(r"\s*(?:[/;|•\n]|\s(?:or|ou|oder|o)\s)\s*", re.IGNORECASE)
_CONJUNCTIONS = re.compile(r"\s+(?:and|et|und|y|&|\+)\s+", re.IGNORECASE)
_PARTS = re.compile(r"\s*(?:,|\s[-–—:]\s|[()\[\]]|^[-–—]\s|\s[-–—]$)\s*")
_POSTAL = re.compile(r"(?<![\w-])(\d{5})(?![\w-])")
_SHORT_POSTAL = re.compile(r"^(\d{4})\s+(?=\D)|(?<=\D)\s+(\d{4})$")
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b")
_CEDEX = re.compile(r"\bcedex(?:\s*\d{1,2})?\b", re.IGNORECASE)
_DEPARTEMENT = re.compile(r"^(?:\d{2}|2[ab]|97[1-6])$")
_ARRONDISSEMENT = re.compile(
    r"^(paris|lyon|marseille)\s+0?(\d{1,2})\s*(?:e|er|eme|ieme|em|me)?"
    r"(?:\s+(?:arr|arrt|arrondissement))?$"
)
_CITY_CODES = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}
_FLAG = re.compile("([\U0001f1e6-\U0001f1ff]{2})")
_SPACES = re.compile(r"\s+")


class CountryNames(Protocol):
    """Where flag emojis find their country's name (the gazetteer)."""

    country_names: dict[str, str]


@dataclass(frozen=True, slots=True)
class Part:
    """One comma-separated piece of a place, with what French shapes told about it."""

    text: str
    key: str
    departement: str | None = None
    postal_code: str | None = None
    insee: str | None = None  # an arrondissement of Paris, Lyon or Marseille


def clean(text: str, names: CountryNames) -> str:
    """NFC text, one kind of space, flags replaced by country names."""
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ").replace("’", "'")

    def flag(match: re.Match[str]) -> str:
        code = "".join(chr(ord(char) - 0x1F1E6 + ord("A")) for char in match.group(1))
        name = names.country_names.get(code)
        return f", {name}, " if name else " "

    return _SPACES.sub(" ", _FLAG.sub(flag, text)).strip(" ,")


def split_places(text: str) -> list[str]:
    """The places a text lists ("Paris / Lyon" -> two), not yet split into parts."""
    return [piece for piece in _PLACES.split(text) if piece.strip(" ,-")]


def split_conjunctions(text: str) -> list[str]:
    """ "Utah and Colorado" -> two places (only used when the whole is not a known name)."""
    return [piece for piece in _CONJUNCTIONS.split(text) if piece.strip()]


def make_part(text: str) -> Part | None:
    """A :class:`Part` from one piece of text, or None when nothing is left of it."""
    text = _CEDEX.sub(" ", text).strip(" .,-")
    postal: str | None = None
    match = _POSTAL.search(text) or _UK_POSTCODE.search(text)
    if match:
        postal = match.group(1).upper()
        text = (text[: match.start()] + " " + text[match.end() :]).strip(" ,-")
    elif (short := _SHORT_POSTAL.search(text)) is not None:
        postal = short.group(1) or short.group(2)
        text = (text[: short.start()] + " " + text[short.end() :]).strip(" ,-")
    key = fold(text)
    if not key:
        return Part(text, key, postal_code=postal) if postal else None
    if _DEPARTEMENT.match(key):
        return Part(text, "", departement=key.upper(), postal_code=postal)
    arrondissement = _ARRONDISSEMENT.match(key)
    insee = None
    if arrondissement:
        prefix, count = _CITY_CODES[arrondissement.group(1)]
        number = int(arrondissement.group(2))
        if 1 <= number <= count:
            insee = f"{prefix}{number:02d}" if prefix != "6938" else f"{prefix}{number}"
            key = arrondissement.group(1)
    return Part(text, key, postal_code=postal, insee=insee)


def split_parts(place: str) -> list[Part]:
    """The parts of one place, most specific first as written."""
    parts = (make_part(piece) for piece in _PARTS.split(place) if piece and piece.strip())
    return [part for part in parts if part is not None]
