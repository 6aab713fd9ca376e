"""Cached keys survive the database round trip exactly; stale or damaged caches are refused."""

from __future__ import annotations

import orjson

from aggregator.dedupe_store.codec import (
    block_hash,
    decode_keys,
    encode_keys,
    pack_blocks,
    unpack_blocks,
)
from aggregator.schema import Posting
from dedupe.keys import compute_keys
from dedupe.records import DedupeRecord, posting_key


def test_keys_round_trip_on_market_postings(market: tuple[list[Posting], dict[str, str]]) -> None:
    postings, _ = market
    records = [DedupeRecord.from_posting(p, key=posting_key(p)) for p in postings]
    for record in records:
        keys = compute_keys(record)
        assert decode_keys(encode_keys(keys)) == keys
    assert any(compute_keys(r).salary is not None for r in records)  # enums and floats covered


def test_stale_or_damaged_cache_is_ignored(market: tuple[list[Posting], dict[str, str]]) -> None:
    posting = market[0][0]
    text = encode_keys(compute_keys(DedupeRecord.from_posting(posting, key=posting_key(posting))))
    payload = orjson.loads(text)
    payload["v"] = "older-code"
    assert decode_keys(orjson.dumps(payload).decode()) is None
    assert decode_keys(text[: len(text) // 2]) is None
    assert decode_keys(None) is None


def test_block_hashes_pack_and_are_signed_64_bit() -> None:
    hashes = [block_hash(f"co:acme|{word}") for word in ("comptable", "paie", "juriste")]
    assert all(-(2**63) <= h < 2**63 for h in hashes) and len(set(hashes)) == 3
    assert unpack_blocks(pack_blocks(hashes)) == hashes
    assert unpack_blocks(None) == []
