"""Packaged data files."""
