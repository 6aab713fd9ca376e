"""``aggregator parse`` on the bodies a real crawl saved, for every sandbox board.

The raw payloads the first crawl kept are written back to files and parsed offline with
:func:`aggregator.parse_command.parse_file`: every body parses cleanly and, together, a
board's bodies give exactly the offers the crawl stored.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from aggregator.parse_command import OK, parse_file
from aggregator.sandbox.boards import BOARDS
from aggregator.store.models import RawPayload
from tests.crawl.conftest import History


def _saved_bodies(history: History, board: str) -> list[tuple[str, str | None, bytes]]:
    run_id = history.crawls["first"].runs[board]["id"]
    table = RawPayload.__table__
    engine = create_engine(f"sqlite:///{history.db}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(table.c.url, table.c.content_type, table.c.body).where(
                    table.c.run_id == run_id
                )
            ).all()
    finally:
        engine.dispose()
    return [(r.url, r.content_type, zlib.decompress(r.body)) for r in rows]


@pytest.mark.parametrize("board", [spec.key for spec in BOARDS])
def test_saved_bodies_parse_back_to_the_stored_offers(
    history: History, board: str, tmp_path: Path
) -> None:
    kind = next(spec.kind for spec in BOARDS if spec.key == board)
    bodies = _saved_bodies(history, board)
    assert bodies
    found: set[str] = set()
    for index, (url, content_type, body) in enumerate(bodies):
        path = tmp_path / f"{index}.body"
        path.write_bytes(body)
        headers = {"content-type": content_type} if content_type else None
        outcome = parse_file(kind, path, url=url, headers=headers)
        assert outcome.status == OK, (url, outcome.message, outcome.errors[:3])
        found |= {p.source_offer_id for p in outcome.postings}
    assert found == set(history.crawls["first"].board_rows(board))


def test_a_body_of_another_kind_is_refused(history: History, tmp_path: Path) -> None:
    url, _, body = _saved_bodies(history, "gh-maison-lumen")[0]
    path = tmp_path / "greenhouse.json"
    path.write_bytes(body)
    assert parse_file("personio", path, url=url).status == 2
