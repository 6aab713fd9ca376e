"""Cached comparison keys as JSON, block keys as 64-bit integers, and the keys' version.

Computing a record's :class:`~dedupe.keys.Keys` (MinHash of the description above all) costs
about half a millisecond; a new posting is compared with dozens of representatives, so their
keys are cached in ``dedupe_members.keys``. The cache is plain JSON (no pickle: the database is
not trusted to hold code) tagged with :func:`keys_version`, a digest of the code and vocabulary
the keys are made from: after dedupe tuning, stale entries are recomputed, and
``aggregator dedupe --rebuild`` refreshes the block index they came with.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import struct
import types
import typing
from collections.abc import Callable, Sequence
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any

import orjson

import dedupe
from dedupe.keys import Keys

_KEY_MODULES = (
    "blocking",
    "fingerprint",
    "keys",
    "places",
    "records",
    "salary",
    "text",
    "vocab",
)


@cache
def keys_version() -> str:
    """Digest of what keys and blocks are computed from (code and vocabulary files)."""
    digest = hashlib.blake2b(digest_size=6)
    package = resources.files(dedupe)
    for name in _KEY_MODULES:
        digest.update(package.joinpath(f"{name}.py").read_bytes())
    digest.update(resources.files("data").joinpath("vocab", "dedupe.yaml").read_bytes())
    return digest.hexdigest()


def block_hash(block: str) -> int:
    """A block key as a signed 64-bit integer (compact, indexable on every backend)."""
    return int.from_bytes(
        hashlib.blake2b(block.encode(), digest_size=8).digest(), "big", signed=True
    )


def pack_blocks(hashes: Sequence[int]) -> bytes:
    """Block hashes of a representative, packed for its member row."""
    return struct.pack(f"<{len(hashes)}q", *hashes)


def unpack_blocks(packed: bytes | None) -> list[int]:
    """The block hashes a representative registered (empty for a plain member)."""
    if not packed:
        return []
    return list(struct.unpack(f"<{len(packed) // 8}q", packed))


def _json_default(value: Any) -> Any:
    """What orjson does not write itself (it writes dataclasses, enums, numbers, strings)."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot encode {type(value).__name__} in cached keys")


def _optional(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else inner(value)


def _as_float(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _same(value: Any) -> Any:
    return value


def _b64(value: Any) -> bytes:
    return base64.b64decode(value)


@cache
def _decoder(hint: Any) -> Callable[[Any], Any]:
    """A function turning the JSON form of ``hint`` back into it (built once per type)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(arms) != 1:
            raise TypeError(f"unsupported union {hint}")
        return _optional(_decoder(arms[0]))
    if origin is frozenset:
        return frozenset
    if hint is bytes:
        return _b64
    if hint is float:
        return _as_float
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(hint))
        cls = hint

        def build(value: Any) -> Any:
            return cls(**{name: decode(value[name]) for name, decode in fields})

        return build
    return _same


def encode_keys(keys: Keys) -> str:
    """Keys as versioned JSON text (orjson walks the dataclasses in C: fields in order)."""
    return orjson.dumps({"v": keys_version(), "k": keys}, default=_json_default).decode()


def decode_keys(text: str | None) -> Keys | None:
    """Keys back from :func:`encode_keys`; None when absent, stale or unreadable."""
    if not text:
        return None
    try:
        payload = orjson.loads(text)
        if payload.get("v") != keys_version():
            return None
        keys = _decoder(Keys)(payload["k"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return keys if isinstance(keys, Keys) else None
