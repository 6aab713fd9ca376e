"""Analysts' snapshots: offer history (as-of queries) and streamed, reproducible exports."""
