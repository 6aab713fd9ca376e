"""The engine's fast paths give what the plain ones gave: ranking, block index, keys, hashes."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.blocking import BlockIndex, block_keys, block_weight, top_ranked
from dedupe.compact import held_member
from dedupe.engine import Deduper
from dedupe.fingerprint import (
    _token_hashes,
    description_print,
    normalize_description,
    read_description,
    shingle_hashes,
)
from dedupe.keys import compute_keys
from dedupe.memory import MemoryCandidateSource
from dedupe.text import fold, words

from .synthetic import market


class ReferenceIndex:
    """The block index as first written: string blocks, a dict per block, evict at insert."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.blocks: dict[str, dict[str, int]] = {}
        self.recency: dict[str, int] = {}
        self.clock = 0

    def add(self, cluster_id: str, blocks: list[str]) -> None:
        self.clock += 1
        self.recency[cluster_id] = self.clock
        for block in dict.fromkeys(blocks):
            members = self.blocks.setdefault(block, {})
            members[cluster_id] = members.pop(cluster_id, 0) + 1
            if len(members) > self.cap:
                del members[next(iter(members))]

    def remove(self, cluster_id: str, blocks: list[str]) -> None:
        for block in dict.fromkeys(blocks):
            members = self.blocks.get(block, {})
            if cluster_id in members:
                members[cluster_id] -= 1
                if members[cluster_id] <= 0:
                    del members[cluster_id]

    def candidates(self, blocks: list[str], limit: int) -> list[str]:
        votes: Counter[str] = Counter()
        for block in dict.fromkeys(blocks):
            for cluster_id in self.blocks.get(block, {}):
                votes[cluster_id] += block_weight(block)
        ranked = sorted(votes, key=lambda c: (votes[c], self.recency[c]), reverse=True)
        return ranked[:limit]


_BLOCKS = ["sid:a:1", "url:x.fr/1", "fp:ab", "plt:fr|paris|chef", "cot:acme|chef", "lsh:00ff"]
_OPS = st.lists(
    st.tuples(
        st.booleans(),  # add (True) or remove
        st.sampled_from([f"off_{i}" for i in range(8)]),
        st.lists(st.sampled_from(_BLOCKS), min_size=1, max_size=4),
    ),
    max_size=60,
)


def _replay(
    ops: list[tuple[bool, str, list[str]]], *indexes: BlockIndex | ReferenceIndex
) -> Iterator[None]:
    """Apply each add or remove to every index, yielding after each step."""
    added: dict[str, list[list[str]]] = {}
    for is_add, cluster_id, blocks in ops:
        if is_add:
            added.setdefault(cluster_id, []).append(blocks)
            for index in indexes:
                index.add(cluster_id, blocks)
        elif added.get(cluster_id):  # a representative is only removed once it was added
            removed = added[cluster_id].pop()
            for index in indexes:
                index.remove(cluster_id, removed)
        yield


@settings(max_examples=200, deadline=None)
@given(_OPS, st.lists(st.sampled_from(_BLOCKS), min_size=1, max_size=6), st.integers(0, 9))
def test_block_index_ranks_as_the_reference(
    ops: list[tuple[bool, str, list[str]]], query: list[str], limit: int
) -> None:
    fast, slow = BlockIndex(cap=3), ReferenceIndex(cap=3)
    for _ in _replay(ops, fast, slow):
        pass
    assert fast.candidates(query, limit) == slow.candidates(query, limit)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefghijklmnop"), st.integers(1, 4)), st.integers(0, 9))
def test_top_ranked_is_the_full_sort_cut(votes: dict[str, int], limit: int) -> None:
    recency = {cid: i for i, cid in enumerate(sorted(votes, reverse=True))}
    full = sorted(votes, key=lambda c: (votes[c], recency[c]), reverse=True)[:limit]
    assert top_ranked(votes, recency, limit) == full


def test_precomputed_keys_give_the_same_assignments() -> None:
    records, _ = market(seed=13, vacancies=120)
    plain = Deduper().add(records)
    keys = {r.key: compute_keys(r) for r in records}
    assert Deduper().add(records, keys) == plain


def test_removed_representatives_leave_the_index_and_members_are_promoted() -> None:
    records, _ = market(seed=17, vacancies=60)
    source = MemoryCandidateSource()
    deduper = Deduper(source)
    deduper.add(records)
    big = max(deduper.clusters().items(), key=lambda item: len(item[1]))
    cluster_id, keys = big
    assert len(keys) >= 2
    founder = next(r for r in records if r.key == keys[0])
    blocks = block_keys(founder, compute_keys(founder))
    assert cluster_id in source.candidate_clusters(blocks, 30)
    for key in keys:
        assert deduper.remove(key) == cluster_id
    assert cluster_id not in deduper.clusters()
    assert cluster_id not in source.candidate_clusters(blocks, 30)  # no stale registration
    (again,) = deduper.add([replace(founder, key="again:1", source_offer_id="again-1")])
    assert again.rule == "new"


def test_shingles_are_sorted_distinct_and_token_hashes_are_crc32() -> None:
    tokens = normalize_description(
        "Nous recherchons un comptable fournisseurs pour notre siège de Lyon. Vous saisissez "
        "les factures, vous rapprochez les relevés, vous saisissez les factures à nouveau."
    )
    assert list(_token_hashes(tokens)) == [zlib.crc32(t.encode()) for t in tokens]
    hashes = shingle_hashes(tokens)
    t = np.array([zlib.crc32(x.encode()) for x in tokens], dtype=np.uint64)
    mixed = t[:-2] * np.uint64(0x9E3779B97F4A7C15) + t[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F) + t[2:]
    reference = np.unique((mixed ^ (mixed >> np.uint64(29))) & np.uint64(0xFFFFFFFF))
    assert hashes.dtype == reference.dtype and hashes.tolist() == reference.tolist()
    assert len(hashes) < len(tokens) - 2  # the repeated phrase gave equal shingles
    assert shingle_hashes(tokens[:3]).size == 1 and shingle_hashes(tokens[:2]).size == 0


@settings(max_examples=200, deadline=None)
@given(_OPS, st.lists(st.sampled_from(_BLOCKS), min_size=1, max_size=6), st.integers(0, 9))
def test_frozen_singletons_rank_as_the_dict_alone(
    ops: list[tuple[bool, str, list[str]]], query: list[str], limit: int
) -> None:
    """Merging singleton blocks into the sorted arrays after every add changes no answer."""
    merged, plain = BlockIndex(cap=3, merge_every=1), BlockIndex(cap=3, merge_every=10**9)
    for _ in _replay(ops, merged, plain):
        assert merged.candidates(query, limit) == plain.candidates(query, limit)
    assert len(merged) == len(plain)


def test_a_frozen_singleton_block_is_found_moved_and_dropped() -> None:
    index = BlockIndex(cap=5, merge_every=1)
    index.add("off_a", ["url:x.fr/1", "fp:ab"])
    index.add("off_z", ["url:z.fr/9"])  # merges: every block so far is a frozen singleton
    assert index._frozen_hashes.size == 3 and not index._blocks
    assert index.candidates(["url:x.fr/1"], 5) == ["off_a"]
    index.add("off_b", ["fp:ab"])  # a second cluster: the block moves back to the dict
    assert index.candidates(["fp:ab"], 5) == ["off_b", "off_a"]
    index.remove("off_a", ["url:x.fr/1", "fp:ab"])
    assert index.candidates(["url:x.fr/1"], 5) == []
    assert index.candidates(["fp:ab"], 5) == ["off_b"]


def test_held_members_share_the_strings_postings_repeat() -> None:
    records, _ = market(seed=19, vacancies=20)
    first, second = records[0], replace(records[1], city="".join(["Li", "lle"]))
    first = replace(first, city="".join(["Lil", "le"]))
    assert first.city is not second.city  # two parses of one town
    a = held_member(first, compute_keys(first))
    b = held_member(second, compute_keys(second))
    assert a.record.city is b.record.city and a.keys.place.city is b.keys.place.city
    assert a.record.description == "" and a.keys == compute_keys(first)
    assert a.record == replace(first, description="")


def test_an_agency_repost_retitled_meets_the_employer_ad_in_the_terms_block() -> None:
    from .test_scoring import _metz_pair

    employer, agency = _metz_pair()
    retitled = replace(agency, title="Magasinier (H/F)")
    shared = set(block_keys(employer, compute_keys(employer))) & set(
        block_keys(retitled, compute_keys(retitled))
    )
    assert "ptm:FR|metz|temporary|35|" in shared
    assert not any(b.startswith(("plt:", "cot:", "ctp:")) for b in shared)


_EDGE_TEXTS = [
    "Développeur C++ / C#\r\nMissions :\n• coder\n* tester ; livrer.\n\n  Salaire 40 k€",
    "ligne\n\u0301accent après un saut\nÉTÉ · STRASSE ß",
    "un NUL \x00 du texte même\net une ligne",
    "+ # ++ #x x+ c++ - a-b",
    "",
    "\n\r\n",
]


def test_a_description_read_once_gives_what_folding_it_again_gave() -> None:
    """The keys take the folded text and its words from the fingerprint's one reading."""
    records, _ = market(seed=23, vacancies=80)
    for text in [r.description for r in records] + _EDGE_TEXTS:
        read = read_description(text)
        assert read.folded == fold(text)
        assert read.words == words(fold(text))
        assert read.kept == normalize_description(text)


def test_words_split_as_the_non_word_regex_did() -> None:
    records, _ = market(seed=29, vacancies=40)
    for text in [fold(r.description) for r in records] + [fold(t) for t in _EDGE_TEXTS]:
        split = [w for w in re.split(r"[^a-z0-9+#]+", text) if w.strip("+#")]
        assert words(text) == split


def test_band_keys_are_the_hex_of_each_band_of_rows() -> None:
    records, _ = market(seed=31, vacancies=10)
    printed = description_print(records[0].description)
    assert printed is not None and printed.signature is not None
    rows = printed.signature
    assert printed.band_keys() == [f"{b:02d}" + rows[16 * b : 16 * b + 16].hex() for b in range(16)]
