"""Dedupe wired into the store: SQL candidate source, the pipeline's matcher, rebuild, explain."""
