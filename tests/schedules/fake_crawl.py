"""A stand-in for ``aggregator crawl`` that keeps its contract with the scheduler, fast.

``python fake_crawl.py crawl --source KEY --catalogue PATH`` opens a ``running`` run row for
the source (as the real crawl does), behaves as ``$FAKE_CRAWL_PLAN`` (a JSON file, re-read by
every child) says for that key or ``*`` (sleep, items, status, exit code, crash before the row),
closes the row and exits. It writes ``$FAKE_CRAWL_DIR/<key>.<pid>`` so tests can find (and
kill) it. Scheduler mechanics are tested with it; the real crawl is tested against the sandbox.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from aggregator.config import database_url
from aggregator.crawl.runs import close_run, open_run, register_source
from aggregator.store.engine import make_engine
from schedules.logs import bind_run_id, configure_logging, crawl_context


def main(argv: list[str]) -> int:
    source = argv[argv.index("--source") + 1]
    plan_file = os.environ.get("FAKE_CRAWL_PLAN")
    plan = json.loads(Path(plan_file).read_text()) if plan_file else {}
    step = {**plan.get("*", {}), **plan.get(source, {})}
    folder = Path(os.environ.get("FAKE_CRAWL_DIR", "."))
    (folder / f"{source}.{os.getpid()}").write_text(str(os.getpid()))
    configure_logging()
    log = logging.getLogger("fake.crawl")
    with crawl_context(source=source):
        if step.get("no_row"):
            print(f"fake crawl of {source}: cannot start", file=sys.stderr)
            return int(step.get("exit", 3))
        engine = make_engine(database_url())  # the scheduler made the schema
        now = datetime.now(UTC)
        with engine.begin() as conn:
            register_source(
                conn, source, name=source, kind="feed", priority=0, enabled=True, now=now
            )
            run_id = open_run(conn, source, now)
        bind_run_id(run_id)
        log.info("fake crawl working", extra={"sleep": step.get("sleep", 0)})
        time.sleep(float(step.get("sleep", 0)))
        items = int(step.get("items", 10))
        with engine.begin() as conn:
            close_run(
                conn,
                run_id,
                datetime.now(UTC),
                status=step.get("status", "ok"),
                items=items,
                new=items,
                parse_errors=int(step.get("parse_errors", 0)),
                error=step.get("error"),
                stats={"fill": step.get("fill", {"title": 1.0, "company": 0.9})},
            )
        engine.dispose()
        log.info("fake crawl done")
    return int(step.get("exit", 0))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
