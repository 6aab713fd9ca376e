"""The engine: clusters, stable ids, no chaining, removal, re-posts, order independence."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.cluster import cluster_id_for
from dedupe.engine import Deduper
from dedupe.evaluate import evaluate
from dedupe.records import DedupeRecord, canonical_order

from .cases import BASE, T0, copy_of, days
from .synthetic import market


def _partition(clusters: dict[str, list[str]]) -> set[frozenset[str]]:
    return {frozenset(keys) for keys in clusters.values()}


def test_copies_join_the_founders_cluster_with_a_stable_id() -> None:
    deduper = Deduper()
    copy = copy_of(
        BASE, "hellowork", "7", title="Comptable Fournisseurs F/H", posted_at=T0 + days(1)
    )
    first = deduper.add([copy, BASE])  # input order does not matter: BASE is older
    assert [a.key for a in first] == [BASE.key, copy.key]
    assert first[0].rule == "new" and first[0].cluster_id == cluster_id_for(BASE.key)
    assert first[1].cluster_id == first[0].cluster_id and first[1].matched == BASE.key
    lyon = copy_of(BASE, "apec", "9", city="Lyon", posted_at=T0 + days(2))
    (assigned,) = deduper.add([lyon])
    assert assigned.rule == "new"
    assert _partition(deduper.clusters()) == {
        frozenset({BASE.key, copy.key}),
        frozenset({lyon.key}),
    }


def test_removing_the_founder_keeps_the_cluster_id_and_matching() -> None:
    deduper = Deduper()
    copy = copy_of(BASE, "hellowork", "7", posted_at=T0 + days(1))
    deduper.add([BASE, copy])
    cid = cluster_id_for(BASE.key)
    assert deduper.remove(BASE.key) == cid
    assert deduper.clusters() == {cid: [copy.key]}
    (late,) = deduper.add([copy_of(BASE, "apec", "8", posted_at=T0 + days(3))])
    assert late.cluster_id == cid  # the promoted representative still attracts copies
    assert deduper.remove("unknown:1") is None


def test_clusters_do_not_chain_through_a_vague_member() -> None:
    paris = BASE
    placeless = copy_of(BASE, "rss-board", "1", city=None, postal_code=None, posted_at=T0 + days(1))
    lyon = copy_of(BASE, "apec", "2", city="Lyon", posted_at=T0 + days(2))
    deduper = Deduper()
    assignments = deduper.add([paris, placeless, lyon])
    assert assignments[1].cluster_id == assignments[0].cluster_id
    assert assignments[2].rule == "new"  # matches the placeless copy, but Paris vetoes it


def test_upsert_closes_then_repost_merges_and_late_republication_does_not() -> None:
    deduper = Deduper()
    deduper.add([BASE])
    (known,) = deduper.add([replace(BASE, closed_at=T0 + days(20))])
    assert known.rule == "known"
    repost = copy_of(BASE, "welcome", "5001", posted_at=T0 + days(40))
    (joined,) = deduper.add([repost])
    assert joined.cluster_id == cluster_id_for(BASE.key)
    deduper.add([replace(repost, closed_at=T0 + days(45))])
    assert repost.key in deduper.clusters()[cluster_id_for(BASE.key)]
    (late,) = deduper.add([copy_of(BASE, "welcome", "9001", posted_at=T0 + days(200))])
    assert late.rule == "new"


def test_synthetic_market_quality_meets_targets() -> None:
    records, truth = market(seed=7, vacancies=400)
    deduper = Deduper()
    deduper.add(records)
    quality = evaluate(deduper.clusters(), truth)
    assert quality.pair_precision >= 0.99, quality
    assert quality.pair_recall >= 0.95, quality
    assert quality.bcubed_precision >= 0.99, quality


def test_rebuild_equals_time_ordered_incremental_batches() -> None:
    records, _ = market(seed=11, vacancies=250)
    rebuilt = Deduper()
    rebuilt.add(records)
    incremental = Deduper()
    ordered = sorted(records, key=canonical_order)
    cuts = sorted(random.Random(3).sample(range(1, len(ordered)), 6))
    for start, end in zip([0, *cuts], [*cuts, len(ordered)], strict=True):
        batch = ordered[start:end]
        random.Random(end).shuffle(batch)
        incremental.add(batch)
    assert incremental.clusters().keys() == rebuilt.clusters().keys()
    assert _partition(incremental.clusters()) == _partition(rebuilt.clusters())


_POOL, _ = market(seed=5, vacancies=40)


@settings(max_examples=25, deadline=None)
@given(st.permutations(_POOL))
def test_any_input_order_gives_the_same_clusters(shuffled: list[DedupeRecord]) -> None:
    reference = Deduper()
    reference.add(_POOL)
    deduper = Deduper()
    deduper.add(shuffled)
    assert deduper.clusters() == reference.clusters()


def test_a_copy_fitting_two_sites_joins_neither() -> None:
    north = copy_of(BASE, "apec", "1", city="Toulouse", postal_code="31000")
    north = replace(north, latitude=43.6300, longitude=1.4000)
    south = copy_of(north, "indeed-fr", "2", latitude=43.5800, longitude=1.4700)
    vague = copy_of(north, "hellowork", "3", latitude=None, longitude=None, posted_at=T0 + days(1))
    deduper = Deduper()
    first, second, third = deduper.add([north, south, vague])
    assert first.rule == second.rule == "new"  # two sites: two vacancies
    assert third.rule == "new"  # the town alone fits both: no guess
    deduper = Deduper()
    deduper.add([north, vague])
    assert _partition(deduper.clusters()) == {frozenset({north.key, vague.key})}


def test_a_copy_without_its_arrondissement_joins_but_a_boards_second_site_does_not() -> None:
    located = copy_of(BASE, "apec", "1", city="Paris", postal_code="75014")
    # the employer's own board gives "Paris" alone, once per site of the same role
    site_a = copy_of(BASE, "gh-lumen", "10", city="Paris", posted_at=T0 + days(1))
    site_b = copy_of(BASE, "gh-lumen", "11", city="Paris", posted_at=T0 + days(1))
    deduper = Deduper()
    first, joined, refused = deduper.add([located, site_b, site_a])
    assert joined.key == site_a.key and joined.cluster_id == first.cluster_id
    # apec's copy accepts it, but the board's other ad is another site: no guess
    assert refused.key == site_b.key and refused.rule == "new"
    assert _partition(deduper.clusters()) == {
        frozenset({located.key, site_a.key}),
        frozenset({site_b.key}),
    }
    # a board's repost at the same site still joins
    deduper = Deduper()
    again = replace(site_b, postal_code="75014")
    deduper.add([located, replace(site_a, postal_code="75014"), again])
    assert len(deduper.clusters()) == 1
