"""The grid cells of a radius search cover the circle, and SQL and Python name cells alike."""

from __future__ import annotations

import math
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.api.filters import Circle
from aggregator.api.geocells import MAX_CELLS, covering_cells
from aggregator.store.search_text import GEO_CELL_DEGREES, geo_cell, geo_token, geo_tokens_sql


def _level(cells: list[str] | None) -> int:
    assert cells
    return int(cells[0][1 : cells[0].index("x")])


latitudes = st.floats(min_value=-70, max_value=70, allow_nan=False)
longitudes = st.floats(min_value=-170, max_value=170, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    latitudes,
    longitudes,
    st.floats(min_value=0.1, max_value=300),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=2 * math.pi),
)
def test_every_point_of_the_circle_is_in_a_covering_cell(
    lat: float, lon: float, radius: float, fraction: float, angle: float
) -> None:
    cells = covering_cells(lat, lon, radius)
    assert cells is not None and 0 < len(cells) <= MAX_CELLS
    level = _level(cells)
    # a point inside the circle in the exact filter's metric (equirectangular at the centre)
    circle = Circle(lat, lon, radius)
    distance = radius * fraction * 0.999
    point_lat = lat + distance * math.sin(angle) / 111.195
    point_lon = lon + distance * math.cos(angle) / (111.195 * math.cos(math.radians(lat)))
    assert (circle.distance_km(point_lat, point_lon) or 0.0) <= radius
    assert geo_token(level, *geo_cell(point_lat, point_lon, level)) in cells


def test_small_radius_takes_fine_cells_and_large_radius_coarse_ones() -> None:
    levels = [_level(covering_cells(45.76, 4.83, radius)) for radius in (2, 10, 30, 100, 300)]
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] > levels[2] > 0


def test_no_cells_across_the_antimeridian_or_the_poles() -> None:
    assert covering_cells(0.0, 179.9, 50) is None
    assert covering_cells(89.9, 0.0, 50) is None


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
