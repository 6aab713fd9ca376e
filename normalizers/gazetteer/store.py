"""Loading of the gazetteer tables into in-memory indexes, once per process.

Every index is a dict keyed by :func:`~normalizers.gazetteer.folding.fold` keys, so a lookup
is one hash access. The tables are built by ``scripts/build_gazetteer.py`` (keys precomputed)
and shipped in the ``data`` package (``data/gazetteer/``); loading takes a few tenths of a
second and happens on first use (:func:`get_gazetteer`).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from normalizers.gazetteer.folding import FOLD_VERSION, fold
from normalizers.gazetteer.model import City, Region


def _read_text(name: str) -> str:
    resource = files("data").joinpath("gazetteer", name)
    raw = resource.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8")


def _lines(name: str, *, header: bool = True) -> list[str]:
    """The non-empty lines of a table, its header line excluded."""
    lines = _read_text(name).splitlines()
    return [line for line in lines[1 if header else 0 :] if line]


def _rows(name: str) -> list[list[str]]:
    """The rows of a CSV table, header excluded."""
    return list(csv.reader(io.StringIO(_read_text(name))))[1:]


def _yaml(name: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(_read_text(name), Loader=loader)


def _float(text: str) -> float | None:
    return float(text) if text else None


class Gazetteer:
    """Cities, French communes, regions, départements and countries, indexed by folded name."""

    def __init__(self) -> None:
        built = int(_read_text("fold_version.txt").strip())
        if built != FOLD_VERSION:
            raise RuntimeError("gazetteer tables were built with another fold(); rebuild them")
        self._lines: list[str] = []
        self._french = 0
        self._made: dict[int, City] = {}
        self._keys: dict[str, str] = {}
        self._postal: dict[str, list[int]] = {}
        self._insee: dict[str, int] = {}
        self.regions: dict[str, list[Region]] = defaultdict(list)
        self.departements: dict[str, Region] = {}
        self.countries: dict[str, str] = {}
        self.country_names: dict[str, str] = {}
        self._admin1: dict[tuple[str, str], str] = {}
        self._load_regions()
        self._load_france()
        self._load_world()
        self._load_countries()
        self.noise = self._load_noise()

    def _add_region(self, key_text: str, region: Region) -> None:
        key = fold(key_text)
        if key and region not in self.regions[key]:
            self.regions[key].append(region)

    def _load_regions(self) -> None:
        spec: dict[str, dict[str, dict[str, Any]]] = _yaml("admin1.yaml")
        fr_names: dict[str, str] = {}
        for code, name, region_code, region_name in _rows("fr_departements.csv"):
            fr_names[region_code] = region_name
            departement = Region(region_name, "FR", region_code, departement=code)
            self.departements[code] = departement
            self._add_region(name, departement)
        for region_code, region_name in fr_names.items():
            self._admin1[("FR", region_code)] = region_name
            self._add_region(region_name, Region(region_name, "FR", region_code))
        for country, entries in spec.items():
            for code, entry in entries.items():
                name = entry.get("name") or self._admin1[(country, str(code))]
                region = Region(name, country, str(code))
                self._admin1[(country, str(code))] = name
                for text in [name, *(entry.get("aliases") or ()), *(entry.get("codes") or ())]:
                    self._add_region(str(text), region)

    def _load_france(self) -> None:
        """Communes, arrondissements, delegated communes: raw lines until looked up."""
        lines = _lines("fr_communes.csv.gz")
        self._lines.extend(lines)
        self._french = len(lines)
        insee, postal = self._insee, self._postal
        for number, line in enumerate(lines):
            code, kind, rest = line.split(",", 2)
            if kind in ("COM", "ARM"):
                insee[code] = number
                for value in next(csv.reader([rest]))[3].split():
                    postal.setdefault(value, []).append(number)

    def _load_world(self) -> None:
        """GeoNames cities and the name index over both tables (built by the build script)."""
        self._lines.extend(_lines("world_cities.csv.gz"))
        self._keys = dict(line.split("\t", 1) for line in _lines("name_index.txt.gz", header=False))
        aliases: dict[str, str] = _yaml("fr_aliases.yaml")
        for name, insee in aliases.items():
            number = self._insee[str(insee)]
            key = fold(name)
            self._keys[key] = f"{self._keys.get(key, '')} {number * 2 + 1}".strip()

    def _city(self, number: int) -> City:
        """The :class:`City` of a table row, made on first use."""
        city = self._made.get(number)
        if city is not None:
            return city
        row = next(csv.reader([self._lines[number]]))
        if number < self._french:
            insee, kind, name, parent, dep, postal, lat, lon, population = row
            departement = self.departements.get(dep)
            if kind == "ARM" and parent in self._insee:
                name = self._city(self._insee[parent]).name
            city = City(
                name=name,
                country="FR",
                region=departement.name if departement else None,
                admin=dep,
                postal_codes=tuple(postal.split()),
                latitude=_float(lat),
                longitude=_float(lon),
                population=int(population or 0),
                insee=insee,
                delegated=kind in ("COMD", "COMA"),
            )
        else:
            _, name, country, admin1, lat, lon, population = row
            city = City(
                name=name,
                country=country,
                region=self._admin1.get((country, admin1)),
                admin=admin1,
                postal_codes=(),
                latitude=_float(lat),
                longitude=_float(lon),
                population=int(population),
            )
        self._made[number] = city
        return city

    def cities(self, key: str) -> list[tuple[City, bool]]:
        """Places named ``key`` (a folded name), each with whether it is its primary name."""
        refs = self._keys.get(key)
        if not refs:
            return []
        return [(self._city(ref // 2), bool(ref % 2)) for ref in map(int, refs.split())]

    def by_postal_code(self, code: str) -> list[City]:
        """French communes and arrondissements served by a postal code."""
        return [self._city(number) for number in self._postal.get(code, ())]

    def by_insee(self, code: str) -> City | None:
        """The French commune or arrondissement of an INSEE code ("34172", "75115")."""
        number = self._insee.get(code)
        return None if number is None else self._city(number)

    def _load_countries(self) -> None:
        for iso, iso3, name, _ in _rows("countries.csv"):
            self.country_names[iso] = name
            for text in (iso, iso3, name, re.sub(r"^(?i:the)\s+", "", name)):
                self.countries.setdefault(fold(text), iso)
        aliases: dict[str, list[str]] = _yaml("countries.yaml")
        for iso, names in aliases.items():
            for text in names:
                self.countries[fold(text)] = iso

    @staticmethod
    def _load_noise() -> re.Pattern[str]:
        phrases = sorted({fold(str(text)) for text in _yaml("noise.yaml")["phrases"]}, key=len)
        alternatives = "|".join(re.escape(phrase) for phrase in reversed(phrases) if phrase)
        return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")

    def region_name(self, country: str, admin1: str) -> str | None:
        """The display name of a first-level region, when the country is covered."""
        return self._admin1.get((country, admin1))

    def strip_noise(self, key: str) -> str:
        """A folded text without its no-place words ("remote", "hq", "europe")."""
        return " ".join(self.noise.sub(" ", key).split())


@cache
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use."""
    return Gazetteer()
