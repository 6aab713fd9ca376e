"""The credentials the sandbox accepts by default, under the environment variables the sandbox
catalogue names: what the demo, the crawl tests and the benchmarks put in the environment."""

from __future__ import annotations

from aggregator.sandbox.render.adzuna import DEFAULT_APP_ID, DEFAULT_APP_KEY
from aggregator.sandbox.render.francetravail import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

SANDBOX_CREDENTIALS: dict[str, str] = {
    "FRANCE_TRAVAIL_CLIENT_ID": DEFAULT_CLIENT_ID,
    "FRANCE_TRAVAIL_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
    "ADZUNA_APP_ID": DEFAULT_APP_ID,
    "ADZUNA_APP_KEY": DEFAULT_APP_KEY,
}
