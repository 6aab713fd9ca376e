"""Crawl every sandbox board once with the dedupe matcher: ``python -m ... SANDBOX_URL DB_URL``.

The same path as ``aggregator crawl --all --sandbox-url URL --fast --db URL``, with the
matcher passed explicitly (the crawl command passes it once the runner is wired).
"""

from __future__ import annotations

import sys

from aggregator.catalogue import load_catalogue
from aggregator.commands.crawl import SANDBOX_CATALOGUE
from aggregator.crawl.runner import crawl
from aggregator.dedupe_store.matcher import default_matcher
from aggregator.store.database import open_store


def main(sandbox_url: str, db_url: str) -> int:
    entries = [
        e for e in load_catalogue(SANDBOX_CATALOGUE, sandbox_url=sandbox_url).sources if e.enabled
    ]
    store = open_store(db_url)
    try:
        outcomes = crawl(store, entries, polite=False, matcher=default_matcher())
    finally:
        store.close()
    failed = [o.source for o in outcomes if o.status == "failed"]
    print(f"{len(outcomes)} sources, {sum(o.new for o in outcomes)} new, failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
