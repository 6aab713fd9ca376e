"""Replay of stored raw payloads: exactly the postings whose mapping outcome changed are updated."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select, update

from aggregator.catalogue import SourceEntry
from aggregator.cli import main
from aggregator.crawl import expiry
from aggregator.renormalize import replay_source
from aggregator.store.database import Store
from aggregator.store.models import CrawlRun, OfferPosting, OfferRow, PostingRow
from tests.commands.stored_crawl import Page, entry, fixture_body, stored_crawl

CRAWLED = datetime(2024, 9, 5, 12, 0, tzinfo=UTC)
LATER = CRAWLED + timedelta(days=3)
GH_URL = "https://boards-api.greenhouse.io/v1/boards/maisonlumen/jobs?content=true"
API_URL = "https://jobs.clinique-du-parc.fr/api/jobs"
SR_BASE = "https://api.smartrecruiters.com/v1/companies/BoulangerieDupont/postings"


def _greenhouse(**fields: Any) -> SourceEntry:
    return entry("gh-lumen", "greenhouse", "https://boards-api.greenhouse.io", **fields)


def _jsonapi(**options: Any) -> SourceEntry:
    return entry("api-clinique", "jsonapi", "https://jobs.clinique-du-parc.fr", options=options)


def _postings(store: Store, source: str) -> dict[str, Any]:
    table = PostingRow.__table__
    with store.engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.source == source))
        return {r.source_offer_id: r for r in rows}


def _offer_of(store: Store, posting_id: int) -> Any:
    link, offers = OfferPosting.__table__, OfferRow.__table__
    with store.engine.connect() as conn:
        return conn.execute(
            select(offers)
            .join(link, link.c.offer_id == offers.c.offer_id)
            .where(link.c.posting_id == posting_id)
        ).one()


def _runs(store: Store, source: str) -> list[Any]:
    table = CrawlRun.__table__
    with store.engine.connect() as conn:
        return list(
            conn.execute(select(table).where(table.c.source == source).order_by(table.c.id))
        )


@pytest.fixture
def greenhouse_store(store: Store) -> Store:
    outcome = stored_crawl(
        store, _greenhouse(), [Page(GH_URL, fixture_body("greenhouse", "board_modern_fr"))], CRAWLED
    )
    assert (outcome.status, outcome.new) == ("ok", 2)
    return store


def test_same_mapping_changes_nothing(greenhouse_store: Store) -> None:
    before = _postings(greenhouse_store, "gh-lumen")
    replay = replay_source(greenhouse_store, _greenhouse(), LATER)
    assert (replay.status, replay.payloads, replay.records) == ("ok", 1, 2)
    assert (replay.updated, replay.unchanged, replay.newly_readable) == (0, 2, 0)
    after = _postings(greenhouse_store, "gh-lumen")
    assert {k: (r.content_hash, r.last_seen_at) for k, r in after.items()} == {
        k: (r.content_hash, r.last_seen_at) for k, r in before.items()
    }


def test_an_override_updates_exactly_the_postings_it_affects(greenhouse_store: Store) -> None:
    before = _postings(greenhouse_store, "gh-lumen")
    assert (
        before["7434393"].contract_type == "permanent" and before["7434400"].contract_type is None
    )
    changed = _greenhouse(options={"default_contract_type": "CDD"})
    replay = replay_source(greenhouse_store, changed, LATER)
    assert (replay.updated, replay.unchanged) == (1, 1)
    after = _postings(greenhouse_store, "gh-lumen")
    assert after["7434400"].contract_type == "fixed_term"
    assert after["7434400"].changed_at == LATER
    assert after["7434400"].last_seen_at == before["7434400"].last_seen_at  # nothing was seen
    assert after["7434400"].raw_payload_id == before["7434400"].raw_payload_id
    assert after["7434393"].contract_type == "permanent"
    assert after["7434393"].changed_at == before["7434393"].changed_at
    assert _offer_of(greenhouse_store, after["7434400"].id).contract_type == "fixed_term"


def test_a_replay_is_recorded_as_a_run(greenhouse_store: Store) -> None:
    replay_source(greenhouse_store, _greenhouse(options={"default_remote": "onsite"}), LATER)
    crawl, replay = _runs(greenhouse_store, "gh-lumen")
    assert (crawl.trigger, replay.trigger) == ("crawl", "renormalize")
    assert (replay.status, replay.items, replay.updated, replay.unchanged) == ("ok", 2, 0, 2)
    assert replay.finished_at == LATER and replay.stats["payloads"] == 1


def test_closed_postings_stay_closed(greenhouse_store: Store) -> None:
    with greenhouse_store.engine.begin() as conn:
        assert expiry.close_missing(conn, "gh-lumen", {"7434393"}, LATER) == 1
    replay = replay_source(
        greenhouse_store, _greenhouse(options={"default_contract_type": "CDD"}), LATER
    )
    assert (replay.records, replay.updated) == (1, 0)
    closed = _postings(greenhouse_store, "gh-lumen")["7434400"]
    assert closed.closed_at == LATER and closed.contract_type is None


def test_unreadable_offers_become_readable(store: Store) -> None:
    broken = _jsonapi(fields={"title": "headline"})  # no item has a headline: nothing maps
    outcome = stored_crawl(
        store, broken, [Page(API_URL, fixture_body("jsonapi", "default"))], CRAWLED
    )
    assert (outcome.status, outcome.new) == ("partial", 0)
    replay = replay_source(store, _jsonapi(), LATER)
    assert (replay.newly_readable, replay.updated, replay.status) == (
        2,
        0,
        "partial",
    )  # item 3: no id
    rows = _postings(store, "api-clinique")
    assert sorted(rows) == ["501", "502"] and rows["501"].first_seen_at == LATER
    assert rows["501"].raw_payload_id is not None
    assert _offer_of(store, rows["502"].id).title == "Aide-soignant de nuit"


def test_offers_that_stop_mapping_are_kept_and_reported(store: Store) -> None:
    stored_crawl(store, _jsonapi(), [Page(API_URL, fixture_body("jsonapi", "default"))], CRAWLED)
    before = _postings(store, "api-clinique")
    replay = replay_source(store, _jsonapi(fields={"title": "contract"}), LATER)
    assert (replay.updated, replay.no_longer_readable, replay.status) == (1, 1, "partial")
    after = _postings(store, "api-clinique")
    assert after["501"].title == "CDI"
    assert after["502"].content_hash == before["502"].content_hash
    assert _runs(store, "api-clinique")[-1].stats["no_longer_readable"] == 1


def test_detail_records_win_over_provisional_listing_records(store: Store) -> None:
    source = entry("sr-dupont", "smartrecruiters", "https://api.smartrecruiters.com")
    pages = [
        Page(f"{SR_BASE}?limit=2&offset=0", fixture_body("smartrecruiters", "listing_page1"),
             failed_details=("743999912345679",)),
        Page(f"{SR_BASE}/743999912345678", fixture_body("smartrecruiters", "detail"),
             detail_of="743999912345678"),
    ]  # fmt: skip
    outcome = stored_crawl(store, source, pages, CRAWLED)
    assert outcome.new == 1
    replay = replay_source(store, source, LATER)
    # the detail's posting is unchanged (the listing record would differ); the offer whose
    # detail failed has only a provisional record, which a replay does not store either
    assert (replay.payloads, replay.records, replay.unchanged, replay.newly_readable) == (
        2,
        1,
        1,
        0,
    )


def _api_body(*items: dict[str, Any]) -> bytes:
    return json.dumps({"data": list(items)}).encode()


def test_newer_payloads_win_and_old_pages_add_nothing(store: Store) -> None:
    first, second = json.loads(fixture_body("jsonapi", "default"))["data"][:2]
    headline_only = {"id": 700, "headline": "Brancardier", "url": "/offres/700"}
    stored_crawl(
        store, _jsonapi(), [Page(API_URL, _api_body(first, second, headline_only))], CRAWLED
    )
    edited = {**second, "title": "Aide-soignant(e) de nuit"}
    added = {"id": 601, "title": "Kinésithérapeute", "url": "/offres/601"}
    stored_crawl(store, _jsonapi(), [Page(API_URL, _api_body(first, edited, added))], LATER)
    with store.engine.begin() as conn:  # as an older normalizer would have left it
        conn.execute(
            update(PostingRow)
            .where(PostingRow.source_offer_id == "502")
            .values(title="stale", content_hash="0" * 32)
        )
    # 501 was unchanged by the second crawl: it still points at the first payload
    replay = replay_source(store, _jsonapi(fields={"title": ["title", "headline"]}), LATER)
    assert (replay.payloads, replay.updated, replay.unchanged) == (2, 1, 2)
    rows = _postings(store, "api-clinique")
    assert rows["502"].title == "Aide-soignant(e) de nuit"  # from the newest payload
    assert "700" not in rows and replay.newly_readable == 0  # listed only by an old page


def _catalogue(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.yaml"
    raw = {
        "key": "gh-lumen",
        "name": "Lumen",
        "kind": "greenhouse",
        "token": "maisonlumen",
        "base_url": "https://boards-api.greenhouse.io",
        "options": {"default_contract_type": "CDI"},
    }
    never = {**raw, "key": "gh-never"}
    path.write_text(yaml.safe_dump({"sources": [raw, never]}), encoding="utf-8")
    return path


def test_command_reports_per_source(
    greenhouse_store: Store,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    args = ["--db", db_url, "renormalize", "--catalogue", str(_catalogue(tmp_path))]
    assert main(args) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "gh-lumen" in line)
    cells = [cell.strip() for cell in row.split("│")[2:6]]
    assert cells == ["ok", "1", "2", "1"]  # status, payloads, records, updated
    assert "1 source(s) without stored raw payloads skipped" in out
    assert main([*args, "--source", "gh-never"]) == 2
    assert "no stored raw payloads for: gh-never" in capsys.readouterr().err
