"""``aggregator demo``: the quick start's main job, end to end on a small sandbox market."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from aggregator.store.database import open_store
from aggregator.store.models import CrawlRun, OfferRow, PostingRow


def test_demo_crawls_every_sandbox_board_into_the_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRANCE_TRAVAIL", "ADZUNA"))}
    proc = subprocess.run(
        [sys.executable, "-m", "aggregator.cli", "--db", db, "demo", "--scale", "0.02"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "70/70 ok" in proc.stdout
    assert "duplicates merged" in proc.stdout
    store = open_store(db)
    with store.engine.connect() as conn:
        runs = conn.scalar(select(func.count()).select_from(CrawlRun))
        postings = conn.scalar(select(func.count()).select_from(PostingRow))
        offers = conn.scalar(select(func.count()).select_from(OfferRow))
        open_offers = conn.scalar(
            select(func.count()).select_from(OfferRow).where(OfferRow.status == "open")
        )
    store.close()
    assert runs == 70
    assert postings and offers and offers < postings  # cross-posted copies were merged
    # The sandbox is live (its dates follow the wall clock): few offers arrive expired.
    assert open_offers and open_offers >= 0.9 * offers, (open_offers, offers)
