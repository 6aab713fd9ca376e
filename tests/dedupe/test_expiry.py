"""Clusters past rejoining leave the blocks; reopened ones return; clusters do not change."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.blocking import block_keys
from dedupe.cluster import cluster_id_for
from dedupe.engine import Deduper
from dedupe.expiry import ClosingQueue, board_id_blocks, indexed_blocks, past_rejoining
from dedupe.keys import compute_keys
from dedupe.memory import MemoryCandidateSource
from dedupe.records import DedupeRecord, canonical_order
from dedupe.scoring import DEFAULT_CONFIG, is_new_vacancy
from dedupe.seasons import replicated
from dedupe.vetoes import republication_gap

from .cases import BASE, T0, copy_of, days
from .synthetic import market

DAYS = DEFAULT_CONFIG.new_vacancy_days


def _partition(clusters: dict[str, list[str]]) -> set[frozenset[str]]:
    return {frozenset(keys) for keys in clusters.values()}


def _blocks(record: DedupeRecord) -> list[str]:
    return block_keys(record, compute_keys(record))


@settings(max_examples=100, deadline=None)
@given(st.floats(-200, 200), st.floats(0, 120))
def test_past_rejoining_is_the_new_vacancy_rule(gap_days: float, limit: float) -> None:
    horizon = T0 + timedelta(days=gap_days)
    config = replace(DEFAULT_CONFIG, new_vacancy_days=limit)
    expected = is_new_vacancy(republication_gap(horizon, T0), config)
    assert past_rejoining(T0, horizon, limit) == expected
    assert not past_rejoining(None, horizon, limit) and not past_rejoining(T0, None, limit)


def test_the_queue_yields_closes_as_the_horizon_passes_them_and_never_goes_back() -> None:
    queue = ClosingQueue()
    queue.push("b", T0 + days(10))
    queue.push("a", T0)
    queue.push("open", None)
    assert len(queue) == 2
    assert list(queue.advance(T0 + days(DAYS), DAYS)) == []  # exactly the limit: a re-post
    assert list(queue.advance(T0 + days(DAYS + 1), DAYS)) == [(T0, "a")]
    assert list(queue.advance(T0, DAYS)) == []  # an older record does not move it back
    assert queue.horizon == T0 + days(DAYS + 1)
    assert queue.dead(T0) and not queue.dead(T0 + days(10)) and not queue.dead(None)


def test_a_cluster_past_rejoining_leaves_the_blocks_but_keeps_its_board_id() -> None:
    source = MemoryCandidateSource()
    deduper = Deduper(source)
    closed = replace(BASE, closed_at=T0 + days(10))
    deduper.add([closed])
    cid = cluster_id_for(BASE.key)
    blocks = _blocks(closed)
    assert source.candidate_clusters(indexed_blocks(blocks), 30) == [cid]
    held = len(source.index)
    later = copy_of(BASE, "apec", "77", posted_at=T0 + days(10 + DAYS + 1))
    (assigned,) = deduper.add([later])
    assert assigned.rule == "new"  # as before: re-published long after the close
    deduper.remove(later.key)
    assert source.evicted(cid)
    assert cid not in source.candidate_clusters(indexed_blocks(blocks), 30)
    assert source.candidate_clusters(board_id_blocks(blocks), 30) == [cid]
    assert len(source.index) < held + len(set(_blocks(later)))
    # the same board id under another key still finds it (compare's same_source_id)
    same_id = replace(closed, key="mirror:4411", posted_at=later.posted_at)
    (again,) = deduper.add([same_id])
    assert again.cluster_id == cid and again.rule == "same_source_id"


def test_a_cluster_one_day_short_of_the_limit_stays() -> None:
    source = MemoryCandidateSource()
    deduper = Deduper(source)
    deduper.add([replace(BASE, closed_at=T0 + days(10))])
    deduper.add([copy_of(BASE, "apec", "78", title="Chef", posted_at=T0 + days(10 + DAYS - 1))])
    assert not source.evicted(cluster_id_for(BASE.key))


def test_a_reopened_posting_registers_its_cluster_again() -> None:
    source = MemoryCandidateSource()
    deduper = Deduper(source)
    deduper.add([replace(BASE, closed_at=T0 + days(10))])
    cid = cluster_id_for(BASE.key)
    unrelated = copy_of(BASE, "apec", "1", city="Lyon", posted_at=T0 + days(100))
    deduper.add([unrelated])
    assert source.evicted(cid)
    (known,) = deduper.add([replace(BASE, closed_at=None)])  # the board shows it again
    assert known.rule == "known" and not source.evicted(cid)
    assert cid in source.candidate_clusters(indexed_blocks(_blocks(BASE)), 30)
    copy = copy_of(BASE, "hellowork", "9", posted_at=T0 + days(101))
    (joined,) = deduper.add([copy])
    assert joined.cluster_id == cid  # open again: its copy joins
    # closed again, long ago: it leaves at the next record
    deduper.add([replace(BASE, closed_at=T0 + days(10)), replace(copy, closed_at=T0 + days(20))])
    deduper.add([copy_of(BASE, "apec", "2", city="Lyon", posted_at=T0 + days(102))])
    assert source.evicted(cid)
    assert cid not in source.candidate_clusters(indexed_blocks(_blocks(BASE)), 30)


def test_a_later_close_within_the_limit_registers_the_cluster_again() -> None:
    source = MemoryCandidateSource()
    deduper = Deduper(source)
    deduper.add([replace(BASE, closed_at=T0 + days(10))])
    deduper.add([copy_of(BASE, "apec", "1", city="Lyon", posted_at=T0 + days(100))])
    cid = cluster_id_for(BASE.key)
    assert source.evicted(cid)
    deduper.add([replace(BASE, closed_at=T0 + days(90))])  # closed later than first known
    assert not source.evicted(cid)
    assert cid in source.candidate_clusters(indexed_blocks(_blocks(BASE)), 30)


def test_removing_members_of_an_evicted_cluster_keeps_it_out_of_the_blocks() -> None:
    source = MemoryCandidateSource()
    deduper = Deduper(source)
    copy = copy_of(BASE, "hellowork", "7", posted_at=T0 + days(1), closed_at=T0 + days(12))
    deduper.add([replace(BASE, closed_at=T0 + days(10)), copy])
    deduper.add([copy_of(BASE, "apec", "1", city="Lyon", posted_at=T0 + days(100))])
    cid = cluster_id_for(BASE.key)
    assert source.evicted(cid) and deduper.clusters()[cid] == [BASE.key, copy.key]
    deduper.remove(BASE.key)  # the copy is promoted: only its board id is indexed
    assert source.evicted(cid)
    assert cid not in source.candidate_clusters(indexed_blocks(_blocks(copy)), 30)
    assert source.candidate_clusters(board_id_blocks(_blocks(copy)), 30) == [cid]


def test_a_representative_changed_then_evicted_leaves_none_of_its_blocks() -> None:
    # the memory source keeps a live representative's blocks to evict them: a changed one
    # must leave with its new blocks, not the ones it first registered
    source = MemoryCandidateSource()
    deduper = Deduper(source)
    first = replace(BASE, closed_at=T0 + days(10))
    deduper.add([first])
    retitled = replace(first, title="Gestionnaire de paie", postal_code="75002")
    (known,) = deduper.add([retitled])
    cid = cluster_id_for(BASE.key)
    assert known.rule == "known"
    assert cid in source.candidate_clusters(indexed_blocks(_blocks(retitled)), 30)
    deduper.add([copy_of(BASE, "apec", "1", city="Lyon", posted_at=T0 + days(100))])
    assert source.evicted(cid)
    for blocks in (_blocks(first), _blocks(retitled)):
        assert cid not in source.candidate_clusters(indexed_blocks(blocks), 30)
    assert source.candidate_clusters(board_id_blocks(_blocks(retitled)), 30) == [cid]


def _seasons(seed: int, vacancies: int, copies: int) -> list[DedupeRecord]:
    records, _ = market(seed=seed, vacancies=vacancies)
    return list(replicated(records, copies))


def test_history_does_not_weigh_every_season_clusters_like_the_first() -> None:
    """Small caps: without eviction last year's copies would crowd this year's candidates."""
    records, _ = market(seed=21, vacancies=150)
    source = MemoryCandidateSource(block_cap=4)
    deduper = Deduper(source, max_candidates=3)
    deduper.add(replicated(records, 3))
    seasons: dict[str, set[frozenset[str]]] = {}
    for keys in deduper.clusters().values():
        season = keys[0].split("/", 1)[0]
        assert all(k.split("/", 1)[0] == season for k in keys)
        seasons.setdefault(season, set()).add(frozenset(k.split("/", 1)[1] for k in keys))
    assert seasons["r1"] == seasons["r0"] and seasons["r2"] == seasons["r0"]
    assert sum(source.evicted(cid) for cid in deduper.clusters()) > 0


def test_eviction_changes_no_cluster_when_no_cap_is_reached() -> None:
    records = _seasons(23, 120, 3)
    wide = {"max_candidates": 10**6}
    evicting = Deduper(MemoryCandidateSource(block_cap=10**6), **wide)  # type: ignore[arg-type]
    keeping = Deduper(MemoryCandidateSource(block_cap=10**6), expire_closed=False, **wide)  # type: ignore[arg-type]
    evicting.add(records)
    keeping.add(records)
    assert evicting.clusters() == keeping.clusters()
    assert len(evicting.source.index) < len(keeping.source.index)  # type: ignore[attr-defined]


def test_time_ordered_batches_evict_as_one_batch_does() -> None:
    records = _seasons(29, 120, 3)
    one = Deduper(MemoryCandidateSource(block_cap=5), max_candidates=4)
    one.add(records)
    ordered = sorted(records, key=canonical_order)
    batched = Deduper(MemoryCandidateSource(block_cap=5), max_candidates=4)
    cuts = sorted(random.Random(5).sample(range(1, len(ordered)), 12))
    for start, end in zip([0, *cuts], [*cuts, len(ordered)], strict=True):
        batch = ordered[start:end]
        random.Random(end).shuffle(batch)
        batched.add(batch)
    assert batched.clusters() == one.clusters()


_SEASON_POOL = _seasons(31, 25, 3)


@settings(max_examples=15, deadline=None)
@given(st.permutations(_SEASON_POOL))
def test_any_input_order_gives_the_same_clusters_with_eviction(
    shuffled: list[DedupeRecord],
) -> None:
    reference = Deduper(MemoryCandidateSource(block_cap=3), max_candidates=2)
    reference.add(_SEASON_POOL)
    deduper = Deduper(MemoryCandidateSource(block_cap=3), max_candidates=2)
    deduper.add(shuffled)
    assert deduper.clusters() == reference.clusters()
