"""Gazetteer tables (built by scripts/build_gazetteer.py) and their hand-written vocabularies."""
