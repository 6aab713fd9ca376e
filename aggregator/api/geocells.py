"""The grid cells covering a radius search, for SQLite's full-text index (migrations 0008, 0009).

Every open offer with coordinates has one token per grid level in ``offers_search.search_place``
(:data:`aggregator.store.search_text.GEO_CELL_DEGREES`). A radius search picks the finest level
whose cells around the circle number at most :data:`MAX_CELLS`, keeps those the circle
reaches, and FTS5 intersects the words with "any of these cells" in its inverted index; the exact
distance filter then runs on the few offers left. The cells are a superset of the circle, never
a subset: they only narrow what the exact filter has to look at.

The covering also tells which cells lie wholly inside the circle (:class:`Covering`): a cell
that crosses the circle is split once into its four finer cells, so that most of the circle is
covered by inner cells, whose offers are inside the radius without a distance test. Counting a
radius search then reads offer rows only for the matches of the edge cells. (The window of a
relevance search takes the fewer, coarser cells: each alternative costs FTS5 a doclist merge.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from aggregator.store.search_text import GEO_CELL_DEGREES, geo_cell, geo_token

MAX_CELLS = 24
MAX_TOKENS = 64
KM_PER_DEGREE = 111.195
_INSIDE_MARGIN = 1e-9  # a corner this close to the circle is not trusted to be inside
Cell = tuple[int, int, int]  # level, column, row


@dataclass(frozen=True, slots=True)
class Covering:
    """Cells covering a circle: ``cells`` the fewest (one level), and the same area split into
    ``inner`` ones, wholly inside the circle, and ``edge`` ones, crossing it (finer)."""

    cells: tuple[str, ...]
    inner: tuple[str, ...]
    edge: tuple[str, ...]


def _reaches(
    lat: float, lon: float, radius_km: float, box: tuple[float, float, float, float]
) -> bool:
    """Whether the circle reaches the cell (south, west, north, east), in the filter's metric."""
    south, west, north, east = box
    dy = max(south - lat, 0.0, lat - north) * KM_PER_DEGREE
    dx = max(west - lon, 0.0, lon - east) * KM_PER_DEGREE * math.cos(math.radians(lat))
    return math.hypot(dx, dy) <= radius_km * 1.001


def _bounds(cell: Cell) -> tuple[float, float, float, float]:
    level, col, row = cell
    size = GEO_CELL_DEGREES[level]
    return row * size - 90.0, col * size - 180.0, (row + 1) * size - 90.0, (col + 1) * size - 180.0


def _inside(lat: float, lon: float, radius_km: float, cell: Cell) -> bool:
    """Whether every point of the cell is inside the circle (the filter's metric is a scaled
    Euclidean one, so the circle is convex: its four corners decide)."""
    south, west, north, east = _bounds(cell)
    scale = KM_PER_DEGREE * math.cos(math.radians(lat))
    limit = (radius_km * (1.0 - _INSIDE_MARGIN)) ** 2
    return all(
        ((y - lat) * KM_PER_DEGREE) ** 2 + ((x - lon) * scale) ** 2 <= limit
        for y in (south, north)
        for x in (west, east)
    )


def _children(cell: Cell) -> list[Cell]:
    level, col, row = cell
    return [(level - 1, 2 * col + dc, 2 * row + dr) for dc in (0, 1) for dr in (0, 1)]


def _reached(lat: float, lon: float, radius_km: float) -> list[Cell] | None:
    """The cells of the finest level with at most MAX_CELLS around the circle that it reaches,
    or None when too many would be needed."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    if dlon >= 180.0:
        return None
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    west, east = lon - dlon, lon + dlon
    if west < -180.0 or east >= 180.0:
        return None  # the antimeridian: rare for this portal, served by the exact filter alone
    for level in range(len(GEO_CELL_DEGREES)):
        col_min, row_min = geo_cell(south, west, level)
        col_max, row_max = geo_cell(north, east, level)
        if (col_max - col_min + 1) * (row_max - row_min + 1) > MAX_CELLS:
            continue
        return [
            (level, col, row)
            for col in range(col_min, col_max + 1)
            for row in range(row_min, row_max + 1)
            if _reaches(lat, lon, radius_km, _bounds((level, col, row)))
        ]
    return None


def _split(
    lat: float, lon: float, radius_km: float, cells: list[Cell]
) -> tuple[list[Cell], list[Cell]]:
    """The cells wholly inside the circle, and the others."""
    inner: list[Cell] = []
    edge: list[Cell] = []
    for cell in cells:
        (inner if _inside(lat, lon, radius_km, cell) else edge).append(cell)
    return inner, edge


@lru_cache(maxsize=1024)
def covering(lat: float, lon: float, radius_km: float) -> Covering | None:
    """The cells covering the circle, split into inner and edge ones (see the module), or None
    when too many would be needed (kept per circle: a portal's places and radii repeat)."""
    reached = _reached(lat, lon, radius_km)
    if reached is None:
        return None
    inner, edge = _split(lat, lon, radius_km, reached)
    if edge and edge[0][0] > 0:
        finer = [
            child
            for cell in edge
            for child in _children(cell)
            if _reaches(lat, lon, radius_km, _bounds(child))
        ]
        if len(inner) + len(finer) <= MAX_TOKENS:
            finer_inner, edge = _split(lat, lon, radius_km, finer)
            inner += finer_inner
    return Covering(*(tuple(geo_token(*c) for c in cells) for cells in (reached, inner, edge)))
