"""Benchmarks: ``make bench`` runs them all and prints the figures recorded in BENCHMARKS.md."""
