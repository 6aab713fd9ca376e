"""The grid cells covering a radius search, for SQLite's full-text index (migration 0008).

Every offer with coordinates has one token per grid level in ``offers_search.search_place``
(:data:`aggregator.store.search_text.GEO_CELL_DEGREES`). A radius search picks the finest level
whose cells around the circle number at most :data:`MAX_CELLS`, keeps those the circle
reaches, and FTS5 intersects the words with "any of these cells" in its inverted index; the exact
distance filter then runs on the few offers left. The cells are a superset of the circle, never
a subset: they only narrow what the exact filter has to look at.
"""

from __future__ import annotations

import math

from aggregator.store.search_text import GEO_CELL_DEGREES, geo_cell, geo_token

MAX_CELLS = 24
KM_PER_DEGREE = 111.195


def _reaches(
    lat: float, lon: float, radius_km: float, box: tuple[float, float, float, float]
) -> bool:
    """Whether the circle reaches the cell (south, west, north, east), in the filter's metric."""
    south, west, north, east = box
    dy = max(south - lat, 0.0, lat - north) * KM_PER_DEGREE
    dx = max(west - lon, 0.0, lon - east) * KM_PER_DEGREE * math.cos(math.radians(lat))
    return math.hypot(dx, dy) <= radius_km * 1.001


def covering_cells(lat: float, lon: float, radius_km: float) -> list[str] | None:
    """Tokens of the cells the circle reaches, or None when too many would be needed."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    if dlon >= 180.0:
        return None
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    west, east = lon - dlon, lon + dlon
    if west < -180.0 or east >= 180.0:
        return None  # the antimeridian: rare for this portal, served by the exact filter alone
    for level, size in enumerate(GEO_CELL_DEGREES):
        col_min, row_min = geo_cell(south, west, level)
        col_max, row_max = geo_cell(north, east, level)
        if (col_max - col_min + 1) * (row_max - row_min + 1) > MAX_CELLS:
            continue
        return [
            geo_token(level, col, row)
            for col in range(col_min, col_max + 1)
            for row in range(row_min, row_max + 1)
            if _reaches(
                lat,
                lon,
                radius_km,
                (row * size - 90.0, col * size - 180.0, (row + 1) * size - 90.0,
                 (col + 1) * size - 180.0),
            )
        ]  # fmt: skip
    return None
