"""Blocking: the few keys under which a record can meet its copies, and an in-memory index.

A record is compared only with clusters sharing a block key, so the cost per record stays
flat as the store grows. Exact passes (same board id, same URL, same company+title+place,
same description) rank first; fuzzy passes (company+title word, place+title word, MinHash
LSH bands) find reworded copies. Blocks are capped to their most recent entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from dedupe.keys import Keys
from dedupe.records import DedupeRecord

EXACT_KINDS = ("sid", "url", "ctp", "fp")
_EXACT_PREFIXES = tuple(f"{kind}:" for kind in EXACT_KINDS)
EXACT_WEIGHT = 10
MAX_TITLE_WORDS = 6
MIN_WORD = 3


def _title_words(keys: Keys) -> list[str]:
    """The most telling title words: longest first, at most MAX_TITLE_WORDS."""
    usable = sorted(
        (t for t in keys.title_tokens if len(t) >= MIN_WORD), key=lambda t: (-len(t), t)
    )
    return usable[:MAX_TITLE_WORDS]


BOARD_ID_KIND = "sid:"  # the block a board's own id registers (kept by an evicted cluster)


def board_id_block(source: str, source_offer_id: str) -> str:
    """The block of a board's own id (the one a cluster past rejoining keeps)."""
    return f"{BOARD_ID_KIND}{source}:{source_offer_id}"


def block_keys(record: DedupeRecord, keys: Keys) -> list[str]:
    """Every block key of a record, exact kinds first; ``kind:value`` strings."""
    place = f"{keys.place.country}|{keys.place.key}" if keys.place.key else ""
    out = [board_id_block(record.source, record.source_offer_id), f"url:{keys.url}"]
    if keys.company and keys.title and place:
        out.append(f"ctp:{keys.company}|{keys.title}|{place}")
    if keys.description is not None and keys.description.signature is not None:
        out.append(f"fp:{keys.description.digest}")
        out.extend(f"lsh:{band}" for band in keys.description.band_keys())
    words = _title_words(keys)
    if keys.company:  # no company-wide block: a big employer's would hold hundreds of offers
        out.extend(f"cot:{keys.company}|{word}" for word in words)
    if place:
        out.extend(f"plt:{place}|{word}" for word in words)
        if keys.place.city and keys.weekly_hours is not None and record.contract_type:
            # a staffing agency retitles the employer's ad but repeats its terms in its town
            out.append(
                f"ptm:{place}|{record.contract_type.value}|{keys.weekly_hours:g}"
                f"|{keys.stated_remote}"
            )
    return out


def block_weight(block: str) -> int:
    """Votes a shared block gives a candidate: exact passes outweigh any number of fuzzy ones."""
    return EXACT_WEIGHT if block.startswith(_EXACT_PREFIXES) else 1


class BlockIndex:
    """Block -> cluster ids (most recently registered last), capped to ``cap`` entries.

    Each entry counts the representatives that registered the cluster under the block, so
    dropping one representative keeps the blocks its cluster still holds through another.
    Blocks are keyed by the built-in hash of their name (an int is a third of the string's
    size). Most blocks (board ids, URLs, LSH bands) are only ever held by one cluster through
    one representative: such a singleton is a bare cluster id in the dict (about 90 bytes with
    its entry) and, once ``merge_every`` entries have gathered, moves to two sorted arrays
    (hash, cluster id: 16 bytes) that lookups search after the dict. A block lives in one
    place: a second registration moves it back to the dict.
    """

    def __init__(self, cap: int = 200, merge_every: int = 250_000) -> None:
        self.cap = cap
        self.merge_every = merge_every
        self._blocks: dict[int, str | dict[str, int]] = {}
        self._recency: dict[str, int] = {}  # cluster id -> sequence number of its last add
        self._clock = 0
        self._frozen_hashes = np.empty(0, dtype=np.int64)  # sorted
        self._frozen_ids = np.empty(0, dtype=object)  # cluster id, None once moved or dropped
        self._kept = 0  # dict entries left after the last merge (blocks of several entries)

    def add(self, cluster_id: str, blocks: Iterable[str]) -> None:
        """Register a cluster under blocks; a block past its cap forgets its oldest entry."""
        self._clock += 1
        self._recency[cluster_id] = self._clock
        table = self._blocks
        hashes = list({hash(block): None for block in blocks})
        thawed = self._thaw([h for h in hashes if h not in table])
        for h in hashes:
            held: str | dict[str, int] | None = table.get(h)
            if held is None:
                held = thawed.get(h)
                if held is None:
                    table[h] = cluster_id
                    continue
            members = table[h] = {held: 1} if isinstance(held, str) else held
            members[cluster_id] = members.pop(cluster_id, 0) + 1  # re-inserted: most recent
            if len(members) > self.cap:
                del members[next(iter(members))]
        if len(table) - self._kept >= self.merge_every:
            self._merge()

    def remove(self, cluster_id: str, blocks: Iterable[str]) -> None:
        """Unregister one representative's blocks of a cluster (empty blocks are dropped)."""
        table = self._blocks
        elsewhere: list[int] = []  # not in the dict: maybe a frozen singleton
        for h in {hash(block): None for block in blocks}:
            held = table.get(h)
            if held is None:
                elsewhere.append(h)
                continue
            if isinstance(held, str):
                if held == cluster_id:
                    del table[h]
                continue
            members = held
            if cluster_id not in members:
                continue
            members[cluster_id] -= 1
            if members[cluster_id] <= 0:
                del members[cluster_id]
            if not members:
                del table[h]
        for at, frozen in self._frozen(elsewhere).values():
            if frozen == cluster_id:
                self._frozen_ids[at] = None

    def candidates(self, blocks: Sequence[str], limit: int) -> list[str]:
        """Cluster ids sharing blocks, ranked by votes (exact blocks weigh more), then recency.

        Copies of a vacancy are published days apart, so among equally voted clusters the
        most recently extended ones come first; the order depends only on the add sequence.
        The clusters of one-vote blocks are gathered in a list and counted once in C.
        """
        table = self._blocks
        named = {hash(block): block for block in blocks}
        single: list[str] = []  # the clusters of blocks weighing one vote, with repeats
        weighed: list[tuple[str | dict[str, int], int]] = []  # other blocks' holders
        elsewhere: list[int] = []  # not in the dict: maybe a frozen singleton
        for h, block in named.items():
            held = table.get(h)
            if held is None:
                elsewhere.append(h)
                continue
            weight = block_weight(block)
            if weight != 1:
                weighed.append((held, weight))
            elif isinstance(held, str):
                single.append(held)
            else:
                single.extend(held)
        for h, (_, cluster_id) in self._frozen(elsewhere).items():
            weight = block_weight(named[h])
            if weight != 1:
                weighed.append((cluster_id, weight))
            else:
                single.append(cluster_id)
        votes = Counter(single)
        for held, weight in weighed:
            for cluster_id in (held,) if isinstance(held, str) else held:
                votes[cluster_id] += weight
        return top_ranked(votes, self._recency, limit)

    def _frozen(self, hashes: list[int]) -> dict[int, tuple[int, str]]:
        """The frozen singletons among ``hashes``: hash -> (array position, its cluster id)."""
        if not hashes or not self._frozen_hashes.size:
            return {}
        wanted = np.array(hashes, dtype=np.int64)
        at = np.searchsorted(self._frozen_hashes, wanted)
        at[at == self._frozen_hashes.size] = 0
        hit = self._frozen_hashes[at] == wanted
        out: dict[int, tuple[int, str]] = {}
        for h, i in zip(wanted[hit].tolist(), at[hit].tolist(), strict=True):
            cluster_id = self._frozen_ids[i]
            if cluster_id is not None:
                out[h] = (i, cluster_id)
        return out

    def _thaw(self, hashes: list[int]) -> dict[int, str]:
        """Take frozen singletons out of the arrays (a second registration is coming)."""
        found = self._frozen(hashes)
        for at, _ in found.values():
            self._frozen_ids[at] = None
        return {h: cluster_id for h, (_, cluster_id) in found.items()}

    def _merge(self) -> None:
        """Move the dict's singletons into the sorted arrays, dropping emptied slots."""
        table = self._blocks
        single = [(h, held) for h, held in table.items() if isinstance(held, str)]
        for h, _ in single:
            del table[h]
        self._kept = len(table)
        new_hashes = np.fromiter((h for h, _ in single), np.int64, len(single))
        order = np.argsort(new_hashes)
        new_ids = np.empty(len(single), dtype=object)
        new_ids[:] = [cluster_id for _, cluster_id in single]
        live = self._live()
        old_hashes, old_ids = self._frozen_hashes[live], self._frozen_ids[live]
        at = np.searchsorted(old_hashes, new_hashes[order])  # a merge, not a sort of all
        self._frozen_hashes = np.insert(old_hashes, at, new_hashes[order])
        self._frozen_ids = np.insert(old_ids, at, new_ids[order])

    def __len__(self) -> int:
        return len(self._blocks) + int(np.count_nonzero(self._live()))

    def _live(self) -> np.ndarray:
        """Mask of the frozen slots still held (a cluster id is a non-empty string)."""
        return self._frozen_ids.astype(bool)


def top_ranked(votes: dict[str, int], recency: dict[str, int], limit: int) -> list[str]:
    """The ``limit`` clusters with most votes, ties broken by recency (most recent first).

    Equal to sorting every voted cluster by (votes, recency), but only the clusters at or above
    the ``limit``-th vote are sorted, by two stable sorts with C-level keys (recency, then
    votes) instead of a Python key per cluster.
    """
    if limit <= 0 or not votes:
        return []
    ranked = list(votes)
    if len(ranked) > limit:
        cut, held = 0, 0
        counts = Counter(votes.values())  # votes are small integers: a histogram finds the cut
        for value in sorted(counts, reverse=True):
            held += counts[value]
            if held >= limit:
                cut = value
                break
        ranked = [cid for cid, v in votes.items() if v >= cut]
    ranked.sort(key=recency.__getitem__, reverse=True)
    ranked.sort(key=votes.__getitem__, reverse=True)  # stable: recency orders equal votes
    return ranked[:limit]
