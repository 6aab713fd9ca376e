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

import numpy as np

from dedupe.text import fold, words
from dedupe.vocab import vocab

NUM_PERM = 64
BAND_ROWS = 4
NUM_BANDS = NUM_PERM // BAND_ROWS
SHINGLE = 3
MIN_TOKENS = 12  # fewer words than this: no signature (too little text to tell copies apart)
PREFIX_CHARS = 600

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s[•·▪\-*]\s")


def _param(name: str, i: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{name}{i}".encode(), digest_size=8).digest(), "big")


_A = np.array([_param("minhash-a", i) | 1 for i in range(NUM_PERM)], dtype=np.uint64)
_B = np.array([_param("minhash-b", i) for i in range(NUM_PERM)], dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class DescriptionPrint:
    """What dedupe keeps of a description: prefix, length, exact hash, MinHash signature."""

    prefix: str  # first PREFIX_CHARS characters of the normalized text (truncation checks)
    length: int  # characters of the normalized text
    tokens: int
    digest: str  # exact hash of the normalized text
    signature: bytes | None  # NUM_PERM little-endian uint32, None when the text is too short

    def band_keys(self) -> list[str]:
        """One LSH key per band of BAND_ROWS signature rows (empty without a signature)."""
        if self.signature is None:
            return []
        step = BAND_ROWS * 4
        return [
            f"{band:02d}" + hashlib.blake2b(self.signature[i : i + step], digest_size=6).hexdigest()
            for band, i in enumerate(range(0, NUM_PERM * 4, step))
        ]


def normalize_description(text: str) -> list[str]:
    """Folded word tokens of a description, minus the sentences that are board boilerplate."""
    phrases = vocab().boilerplate
    kept: list[str] = []
    for sentence in _SENTENCE.split(fold(text)):
        padded = " " + " ".join(words(sentence)) + " "
        if padded.strip() and not any(phrase in padded for phrase in phrases):
            kept.append(padded.strip())
    return " ".join(kept).split()


def minhash(tokens: list[str]) -> bytes | None:
    """MinHash signature of the word 3-gram set of ``tokens`` (None under MIN_TOKENS words)."""
    if len(tokens) < MIN_TOKENS:
        return None
    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
    hashes = np.fromiter(
        (zlib.crc32(s.encode()) for s in shingles), dtype=np.uint64, count=len(shingles)
    )
    # multiply-add-shift (Dietzfelbinger): ((a*x + b) mod 2**64) >> 32 is 2-independent on
    # 32-bit keys with 64-bit a, b; the uint64 wrap-around is the "mod 2**64".
    mixed = (np.outer(_A, hashes) + _B[:, None]) >> np.uint64(32)
    return mixed.min(axis=1).astype("<u4").tobytes()


def jaccard_estimate(left: bytes, right: bytes) -> float:
    """Share of equal MinHash rows: an unbiased estimate of the shingle-set Jaccard."""
    a = np.frombuffer(left, dtype="<u4")
    b = np.frombuffer(right, dtype="<u4")
    return float(np.count_nonzero(a == b)) / NUM_PERM


def description_print(text: str) -> DescriptionPrint | None:
    """Fingerprint a plain-text description; None when nothing is left after normalization."""
    tokens = normalize_description(text)
    if not tokens:
        return None
    normalized = " ".join(tokens)
    return DescriptionPrint(
        prefix=normalized[:PREFIX_CHARS],
        length=len(normalized),
        tokens=len(tokens),
        digest=hashlib.blake2b(normalized.encode(), digest_size=10).hexdigest(),
        signature=minhash(tokens),
    )
