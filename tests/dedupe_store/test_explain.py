"""``aggregator explain`` and ``aggregator dedupe``: reasons, status, rebuild, clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from aggregator.commands.dedupe import dedupe, explain
from aggregator.dedupe_store.explain import explain_offer, explain_pair
from aggregator.dedupe_store.matcher import DedupeMatcher
from aggregator.errors import UserError
from aggregator.schema import Posting
from aggregator.store.database import open_store
from aggregator.store.models import OfferPosting

from .conftest import offer_partition, store_in_batches


@pytest.fixture(scope="module")
def filled(
    tmp_path_factory: pytest.TempPathFactory, market: tuple[list[Posting], dict[str, str]]
) -> Iterator[str]:
    """A SQLite store holding the market, deduped incrementally."""
    url = f"sqlite:///{tmp_path_factory.mktemp('explain') / 'store.db'}"
    store = open_store(url)
    store_in_batches(store, market[0], DedupeMatcher())
    store.close()
    yield url


def _biggest_offer(url: str) -> tuple[str, list[str]]:
    store = open_store(url)
    with store.engine.connect() as conn:
        offers = offer_partition(conn)
    store.close()
    offer_id = max(offers, key=lambda o: (len(offers[o]), o))
    return offer_id, sorted(offers[offer_id])


def test_explain_offer_gives_each_joiner_a_decisive_match(filled: str) -> None:
    offer_id, keys = _biggest_offer(filled)
    store = open_store(filled)
    with store.engine.connect() as conn:
        report = explain_offer(conn, offer_id)
        links = conn.scalar(
            select(func.count()).where(OfferPosting.__table__.c.offer_id == offer_id)
        )
    store.close()
    assert sorted(m.record.key for m in report.members) == keys and links == len(keys) > 1
    founder, *joiners = report.members
    assert founder.rule == "founder" and founder.decisive is None and founder.representative
    for member in joiners:
        assert member.decisive is not None and member.decisive.match
        assert member.decisive.rule == member.rule


def test_explain_pair_and_unknown_ids(filled: str) -> None:
    offer_id, keys = _biggest_offer(filled)
    store = open_store(filled)
    with store.engine.connect() as conn:
        # a member and the representative it matched (two members may each match another one)
        joiner = explain_offer(conn, offer_id).members[1]
        assert joiner.decisive is not None
        rep = next(
            k for k in (joiner.decisive.left, joiner.decisive.right) if k != joiner.record.key
        )
        pair = explain_pair(conn, joiner.record.key, rep)
        assert pair.merged and pair.offers[0] == offer_id and pair.explanation.match
        with pytest.raises(UserError, match="unknown posting"):
            explain_pair(conn, keys[0], "nowhere:1")
        with pytest.raises(UserError, match="SOURCE:ID"):
            explain_pair(conn, keys[0], "no-colon")
        with pytest.raises(UserError, match="unknown offer id"):
            explain_offer(conn, "off_missing")
    store.close()


def test_cli_explain_and_dedupe(filled: str, tmp_path: Path) -> None:
    runner = CliRunner()
    offer_id, keys = _biggest_offer(filled)
    shown = runner.invoke(explain, [offer_id, "--db", filled])
    assert shown.exit_code == 0, shown.output
    assert f"{len(keys)} postings" in shown.output and "decision: match" in shown.output
    paired = runner.invoke(explain, ["--pair", keys[0], keys[1], "--db", filled])
    assert paired.exit_code == 0 and f"same offer {offer_id}" in paired.output
    unknown = runner.invoke(explain, ["off_missing", "--db", filled])
    assert isinstance(unknown.exception, UserError)
    neither = runner.invoke(explain, ["--db", filled])
    assert isinstance(neither.exception, UserError)
    status = runner.invoke(dedupe, ["--db", filled])
    assert status.exit_code == 0 and "never rebuilt" in status.output
    rebuilt = runner.invoke(dedupe, ["--rebuild", "--db", filled])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "postings in" in rebuilt.output and "merged" in rebuilt.output
    again = runner.invoke(dedupe, ["--db", filled])
    assert "run 'aggregator dedupe --rebuild'" not in again.output
