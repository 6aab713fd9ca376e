"""Description fingerprints: boilerplate-free text, an exact hash and a deterministic MinHash.

MinHash estimates the Jaccard similarity of two descriptions' word 3-gram sets from two short
signatures, and its bands give LSH block keys, so near-identical descriptions meet without
comparing every pair. Permutation parameters come from a hash of their index, not a random
generator, so signatures are identical across processes, machines and library versions.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dedupe.text import fold, words
from dedupe.vocab import vocab

NUM_PERM = 64
BAND_ROWS = 4
NUM_BANDS = NUM_PERM // BAND_ROWS
SHINGLE = 3
MIN_TOKENS = 12  # fewer words than this: no signature (too little text to tell copies apart)
PREFIX_CHARS = 600

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\x00[\x00\s]*|\s[•·▪\-*]\s")


def _param(name: str, i: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{name}{i}".encode(), digest_size=8).digest(), "big")


_A = np.array([_param("minhash-a", i) | 1 for i in range(NUM_PERM)], dtype=np.uint64)
_B = np.array([_param("minhash-b", i) for i in range(NUM_PERM)], dtype=np.uint64)


_TOKEN_HASHES: dict[str, int] = {}
_TOKEN_CACHE_LIMIT = 500_000
_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass(frozen=True, slots=True)
class DescriptionPrint:
    """What dedupe keeps of a description: prefix, sizes, exact hash, MinHash signature."""

    prefix: str  # first PREFIX_CHARS characters of the normalized text (truncation checks)
    length: int  # characters of the normalized text
    tokens: int
    shingles: int  # distinct word 3-grams (turns a Jaccard estimate into a containment)
    digest: str  # exact hash of the normalized text
    signature: bytes | None  # NUM_PERM little-endian uint32, None when the text is too short
    shingle_set: bytes = b""  # sorted distinct shingle hashes (little-endian uint32)

    def band_keys(self) -> list[str]:
        """One LSH key per band of BAND_ROWS signature rows (empty without a signature)."""
        if self.signature is None:
            return []
        step = BAND_ROWS * 8  # hex digits of a band's rows
        rows = self.signature.hex()  # one hex() for all bands: each byte is two digits
        return [
            f"{band:02d}{rows[i : i + step]}" for band, i in enumerate(range(0, NUM_PERM * 8, step))
        ]

    def mentions(self, phrase: str) -> bool | None:
        """Whether the normalized text's prefix names ``phrase`` (folded words) as whole words.

        None when the prefix is a truncation too short to tell (under half of PREFIX_CHARS).
        """
        if f" {phrase} " in f" {self.prefix} ":
            return True
        return False if len(self.prefix) >= PREFIX_CHARS // 2 else None


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    """All boilerplate phrases as one whole-word regex (one scan per sentence), the openings
    anchored at the sentence's start."""
    v = vocab()
    anywhere = sorted((p.strip() for p in v.boilerplate), key=len, reverse=True)
    openings = sorted(v.boilerplate_openings, key=len, reverse=True)
    return re.compile(
        r"(?:(?<![a-z0-9])(?:"
        + "|".join(map(re.escape, anywhere))
        + r")|^(?:"
        + "|".join(map(re.escape, openings))
        + r"))(?![a-z0-9])"
    )


def _pay_line(tokens: list[str], cues: frozenset[str]) -> bool:
    """A sentence giving a salary: a number beside a pay word (boards word pay many ways)."""
    return not cues.isdisjoint(tokens) and any(t[0].isdigit() for t in tokens)


@dataclass(frozen=True, slots=True)
class DescriptionText:
    """A description folded and split once: the fingerprint and the keys that read what the
    text states (working time, hours, remote work) share the work."""

    folded: str  # fold() of the text
    words: list[str]  # every word token of it, in order
    kept: list[str]  # the tokens minus board boilerplate and pay lines (what is fingerprinted)


def read_description(text: str) -> DescriptionText:
    """Fold a description once; its sentences give both every word and the kept ones."""
    boilerplate = _boilerplate()
    cues = vocab().salary_cues
    kept: list[str] = []
    every: list[str] = []
    marked = fold(text.replace("\n", "\x00").replace("\r", "\x00"))  # fold() keeps the NULs
    for sentence in _SENTENCE.split(marked):
        tokens = words(sentence)  # sentences split on non-word characters: no word is cut
        every.extend(tokens)
        if tokens and not _pay_line(tokens, cues):
            joined = " ".join(tokens)
            if boilerplate.search(joined) is None:
                kept.append(joined)
    # the NULs stood for line breaks, which fold() squeezes like spaces (a NUL of the text
    # itself it keeps: fold again then)
    folded = fold(text) if "\x00" in text else " ".join(marked.replace("\x00", " ").split())
    return DescriptionText(folded, every, " ".join(kept).split())


def normalize_description(text: str) -> list[str]:
    """Folded word tokens of a description, minus board boilerplate and pay lines."""
    return read_description(text).kept


def _token_hashes(tokens: list[str]) -> np.ndarray:
    """CRC32 of each token (memoized: descriptions share most of their vocabulary)."""
    cache = _TOKEN_HASHES
    if len(cache) > _TOKEN_CACHE_LIMIT:
        cache.clear()
    for token in set(tokens).difference(cache):
        cache[token] = zlib.crc32(token.encode())
    return np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """Distinct 32-bit hashes of the word 3-grams of ``tokens``, sorted (same in every process)."""
    t = _token_hashes(tokens)
    mixed = t[:-2] * _MIX1 + t[1:-1] * _MIX2 + t[2:]
    hashes = np.sort((mixed ^ (mixed >> np.uint64(29))) & np.uint64(0xFFFFFFFF))
    if hashes.size < 2:
        return hashes
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]


def minhash(tokens: list[str]) -> bytes | None:
    """MinHash signature of the word 3-gram set of ``tokens`` (None under MIN_TOKENS words)."""
    if len(tokens) < MIN_TOKENS:
        return None
    return _signature(shingle_hashes(tokens))


def _signature(hashes: np.ndarray) -> bytes:
    # multiply-add-shift (Dietzfelbinger): ((a*x + b) mod 2**64) >> 32 is 2-independent on
    # 32-bit keys with 64-bit a, b; the uint64 wrap-around is the "mod 2**64".
    mixed = (np.outer(_A, hashes) + _B[:, None]) >> np.uint64(32)
    return mixed.min(axis=1).astype("<u4").tobytes()


def jaccard_estimate(left: bytes, right: bytes) -> float:
    """Share of equal MinHash rows: an unbiased estimate of the shingle-set Jaccard."""
    a = np.frombuffer(left, dtype="<u4")
    b = np.frombuffer(right, dtype="<u4")
    return float(np.count_nonzero(a == b)) / NUM_PERM


def containment(a: DescriptionPrint, b: DescriptionPrint) -> float:
    """Share of the smaller shingle set found in the larger one (exact, on stored hashes).

    A copy that adds a line (a salary sentence, a start date, an edit) or is cut short holds
    the other copy's text whole: its Jaccard drops with the extra words, its containment
    stays near 1. MinHash estimates it too poorly when sizes differ, so it only blocks.
    """
    if not a.shingle_set or not b.shingle_set:
        return 0.0
    x = np.frombuffer(a.shingle_set, dtype="<u4")
    y = np.frombuffer(b.shingle_set, dtype="<u4")
    common = np.intersect1d(x, y, assume_unique=True).size
    return common / min(x.size, y.size)


def description_print(text: str) -> DescriptionPrint | None:
    """Fingerprint a plain-text description; None when nothing is left after normalization."""
    return print_of(normalize_description(text))


def print_of(tokens: list[str]) -> DescriptionPrint | None:
    """Fingerprint of a description's kept tokens (:attr:`DescriptionText.kept`)."""
    if not tokens:
        return None
    normalized = " ".join(tokens)
    signature, shingles, shingle_set = None, max(0, len(tokens) - SHINGLE + 1), b""
    if len(tokens) >= MIN_TOKENS:
        hashes = shingle_hashes(tokens)
        signature, shingles = _signature(hashes), len(hashes)
        shingle_set = hashes.astype("<u4").tobytes()
    return DescriptionPrint(
        prefix=normalized[:PREFIX_CHARS],
        length=len(normalized),
        tokens=len(tokens),
        shingles=shingles,
        digest=hashlib.blake2b(normalized.encode(), digest_size=10).hexdigest(),
        signature=signature,
        shingle_set=shingle_set,
    )
