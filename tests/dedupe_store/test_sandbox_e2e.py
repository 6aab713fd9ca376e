"""End to end: the sandbox market over three ticks, crawled for real, deduped incrementally.

Each tick is a real crawl (Scrapy in a subprocess, against the sandbox server in a thread);
the clusters the store holds afterwards are scored against the market's ground truth and
compared with ``aggregator dedupe --rebuild``. Only a safe precision floor is asserted: the
dedupe engine is tuned elsewhere, and a false merge is the failure that must not creep in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from urllib.request import Request, urlopen

from aggregator.dedupe_store.rebuild import rebuild
from aggregator.sandbox.credentials import SANDBOX_CREDENTIALS
from aggregator.sandbox.market import LIVE_TICKS, Market, live_epoch
from aggregator.sandbox.server import SandboxServer
from aggregator.store.database import open_store
from aggregator.store.models import PostingRow
from dedupe.evaluate import evaluate
from dedupe.market_data import link_truth

from .conftest import NOW, clusters, offer_partition, partition

ROOT = Path(__file__).resolve().parents[2]
SEED, SCALE, TICKS = 3, 0.03, 3
assert TICKS - 1 <= LIVE_TICKS  # the market's clock stays behind the crawls' wall clock


def _crawl(url: str, db_url: str) -> None:
    env = {**os.environ, **SANDBOX_CREDENTIALS}
    done = subprocess.run(
        [sys.executable, "-m", "tests.dedupe_store.crawl_tick", url, db_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]


def _truth(market: Market, stored: list[Any]) -> dict[str, str]:
    rows = {(r.board, r.source_offer_id): r.vacancy_id for r in market.truth()}
    return link_truth(cast(Any, stored), rows)


def test_three_ticks_of_the_sandbox_incrementally_then_rebuilt(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    market = Market(seed=SEED, scale=SCALE, epoch=live_epoch())  # crawls expire by wall clock
    truth: dict[str, str] = {}
    with SandboxServer(market, seed=SEED, scale=SCALE) as server:
        for tick in range(TICKS):
            if tick:
                urlopen(Request(f"{server.url}/_admin/tick", method="POST", data=b"")).read()
            _crawl(server.url, db_url)
            store = open_store(db_url)
            with store.engine.connect() as conn:
                table = PostingRow.__table__
                stored = [
                    SimpleNamespace(source=s, source_offer_id=o)
                    for s, o in conn.execute(
                        table.select().with_only_columns(table.c.source, table.c.source_offer_id)
                    )
                ]
            store.close()
            truth.update(_truth(market, stored))
    store = open_store(db_url)
    with store.engine.connect() as conn:
        incremental = clusters(conn)
        offers = offer_partition(conn)
    assert partition(offers) == partition(incremental)
    quality = evaluate(incremental, truth)
    print(f"incremental: {quality}")
    assert quality.records > 300 and quality.predicted_pairs > 50
    assert quality.pair_precision >= 0.97
    with store.engine.begin() as conn:
        report = rebuild(conn, NOW)
        rebuilt = clusters(conn)
        offers = offer_partition(conn)
    store.close()
    rebuilt_quality = evaluate(rebuilt, truth)
    print(f"rebuilt: {rebuilt_quality}\n{report}")
    assert partition(offers) == partition(rebuilt)
    assert rebuilt_quality.pair_precision >= 0.97
    same = partition(incremental) & partition(rebuilt)
    print(f"clusters identical after rebuild: {len(same)}/{len(rebuilt)}")
    assert len(same) >= 0.9 * len(rebuilt)
