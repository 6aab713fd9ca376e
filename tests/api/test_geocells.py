"""The grid cells of a radius search cover the circle, and SQL and Python name cells alike."""

from __future__ import annotations

import math
import random
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from aggregator.api.filters import Circle
from aggregator.api.geocells import MAX_CELLS, MAX_TOKENS, covering
from aggregator.devtools.pgserver import PostgresServer
from aggregator.store.search_text import (
    GEO_CELL_DEGREES,
    filter_tag,
    filter_tags_pg_function,
    geo_cell,
    geo_cells_pg_function,
    geo_token,
    geo_tokens_sql,
    salary_tag,
)


def _level(token: str) -> int:
    return int(token[1 : token.index("x")])


def _coarsest(lat: float, lon: float, radius: float) -> int:
    cover = covering(lat, lon, radius)
    assert cover is not None
    return _level(cover.cells[0])


latitudes = st.floats(min_value=-70, max_value=70, allow_nan=False)
longitudes = st.floats(min_value=-170, max_value=170, allow_nan=False)
radii = st.floats(min_value=0.1, max_value=300)
fractions = st.floats(min_value=0, max_value=1)


@settings(max_examples=300, deadline=None)
@given(latitudes, longitudes, radii, fractions, st.floats(min_value=0, max_value=2 * math.pi))
def test_every_point_of_the_circle_is_in_a_covering_cell(
    lat: float, lon: float, radius: float, fraction: float, angle: float
) -> None:
    cover = covering(lat, lon, radius)
    assert cover is not None and 0 < len(cover.cells) <= MAX_CELLS
    assert 0 < len(cover.inner + cover.edge) <= MAX_TOKENS
    assert len(set(cover.inner + cover.edge)) == len(cover.inner + cover.edge)
    # a point inside the circle in the exact filter's metric (equirectangular at the centre)
    circle = Circle(lat, lon, radius)
    distance = radius * fraction * 0.999
    point_lat = lat + distance * math.sin(angle) / 111.195
    point_lon = lon + distance * math.cos(angle) / (111.195 * math.cos(math.radians(lat)))
    assert (circle.distance_km(point_lat, point_lon) or 0.0) <= radius
    levels = range(len(GEO_CELL_DEGREES))
    holding = [geo_token(level, *geo_cell(point_lat, point_lon, level)) for level in levels]
    assert set(holding) & set(cover.cells)
    assert set(holding) & set(cover.inner + cover.edge)


@settings(max_examples=300, deadline=None)
@given(latitudes, longitudes, radii, fractions, fractions, st.integers(min_value=0))
def test_every_point_of_an_inner_cell_is_inside_the_circle(
    lat: float, lon: float, radius: float, across: float, up: float, pick: int
) -> None:
    cover = covering(lat, lon, radius)
    assert cover is not None
    if not cover.inner:
        return
    token = cover.inner[pick % len(cover.inner)]
    level, rest = _level(token), token[token.index("x") + 1 :]
    column, row = (int(part) for part in rest.split("y"))
    size = GEO_CELL_DEGREES[level]
    point_lat = (row + up) * size - 90.0
    point_lon = (column + across) * size - 180.0
    assert (Circle(lat, lon, radius).distance_km(point_lat, point_lon) or 0.0) <= radius


def test_a_circle_is_mostly_covered_by_inner_cells() -> None:
    cover = covering(45.7677, 4.8354, 30.0)  # Lyon, 30 km
    assert cover is not None and len(cover.inner) >= 10 and cover.edge


def test_small_radius_takes_fine_cells_and_large_radius_coarse_ones() -> None:
    levels = [_coarsest(45.76, 4.83, radius) for radius in (2, 10, 30, 100, 300)]
    assert levels == sorted(levels) and levels[0] <= 1 and levels[-1] > levels[2] > 0


def test_no_cells_across_the_antimeridian_or_the_poles() -> None:
    assert covering(0.0, 179.9, 50) is None
    assert covering(89.9, 0.0, 50) is None


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=179.999))
def test_sql_and_python_name_the_same_cells(lat: float, lon: float) -> None:
    conn = sqlite3.connect(":memory:")
    expression = geo_tokens_sql(":lat", ":lon")
    (indexed,) = conn.execute(f"SELECT {expression}", {"lat": lat, "lon": lon}).fetchone()
    levels = range(len(GEO_CELL_DEGREES))
    expected = [geo_token(level, *geo_cell(lat, lon, level)) for level in levels]
    assert indexed.split() == expected
    (unknown,) = conn.execute(f"SELECT {geo_tokens_sql('NULL', ':lon')}", {"lon": lon}).fetchone()
    assert unknown == ""


def test_postgresql_indexes_the_cells_python_names(pg_server: PostgresServer) -> None:
    """``search_cells`` (migration 0011) names each point's cells as the covering does,
    cell edges included (PostgreSQL's cast to integer rounds where Python truncates)."""
    rng = random.Random(11)
    points = [(rng.uniform(-90, 90), rng.uniform(-180, 179.999)) for _ in range(2000)]
    points += [(45.0, 4.8), (45.05, 4.85), (-0.05, -0.1), (0.0, 0.0), (43.29999, 5.39999)]
    engine = create_engine(pg_server.database_url("postgres"))
    try:
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql(geo_cells_pg_function())
            rows = conn.exec_driver_sql(
                "SELECT search_cells(lat, lon) "
                "FROM unnest(%s::float8[], %s::float8[]) AS p(lat, lon)",
                ([lat for lat, _ in points], [lon for _, lon in points]),
            ).all()
            unknown = conn.exec_driver_sql(
                "SELECT search_cells(NULL, 1.0) && search_cells(1.0, 1.0)"
            ).scalar()
            conn.rollback()
    finally:
        engine.dispose()
    levels = range(len(GEO_CELL_DEGREES))
    for (lat, lon), (cells,) in zip(points, rows, strict=True):
        assert cells == [geo_token(level, *geo_cell(lat, lon, level)) for level in levels]
    assert unknown is False


def test_postgresql_indexes_the_filter_tags_the_search_asks_for(pg_server: PostgresServer) -> None:
    """``search_tags`` (migration 0011) holds the tags :func:`filter_tag` names and every salary
    threshold :func:`salary_tag` names at or below the amount, none above."""
    offers = [
        ("permanent", "full_time", "hybrid", 47000.0),
        ("fixed_term", None, "remote", 45000.0),
        ("internship", "part_time", None, 4999.99),
        (None, None, None, None),
        ("freelance", "full_time", "onsite", 1_000_000.0),
    ]
    engine = create_engine(pg_server.database_url("postgres"))
    try:
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql(filter_tags_pg_function())
            held = [
                set(conn.exec_driver_sql("SELECT search_tags(%s, %s, %s, %s)", o).scalar_one())
                for o in offers
            ]
            conn.rollback()
    finally:
        engine.dispose()
    for (contract, working, remote, salary), tags in zip(offers, held, strict=True):
        values = {"contract_type": contract, "working_time": working, "remote": remote}
        for column, value in values.items():
            prefix = filter_tag(column, "")
            named = {t for t in tags if t is not None and t.startswith(prefix)}
            assert named == (set() if value is None else {filter_tag(column, value)})
        for minimum in range(5000, 160_001, 5000):
            tag = salary_tag(minimum)
            assert (tag in tags) == (salary is not None and salary >= min(minimum, 150_000))
