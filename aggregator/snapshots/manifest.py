"""``manifest.json``: what a snapshot folder contains, enough to trust and reproduce it.

An as-of export is a function of the store's history and the filters alone, so its
``created_at`` is the as-of time and two runs give the same bytes, manifest included; a
snapshot of now records the wall-clock time its transaction started.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from aggregator.schema import SCHEMA_VERSION
from aggregator.snapshots.times import iso

LAYOUT_VERSION = 1
"""Version of the folder layout and columns described in ``docs/snapshots.md``."""


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_manifest(
    *,
    fmt: str,
    compression: str | None,
    created_at: datetime,
    as_of: datetime | None,
    filters: dict[str, Any],
    files: dict[str, tuple[Path, int]],
    sources: dict[str, datetime | None],
    postings_by_source: Counter[str],
) -> dict[str, Any]:
    """The manifest of a folder whose ``files`` map a table name to (path, row count)."""
    return {
        "layout_version": LAYOUT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "created_at": iso(created_at),
        "as_of": iso(as_of) if as_of is not None else None,
        "format": fmt,
        "compression": compression,
        "filters": filters,
        "counts": {name: rows for name, (_, rows) in files.items()},
        "files": {
            path.name: {"table": name, "rows": rows, "bytes": path.stat().st_size}
            | {"sha256": sha256(path)}
            for name, (path, rows) in files.items()
        },
        "sources": [
            {
                "source": key,
                "last_successful_crawl": iso(done) if done is not None else None,
                "postings": postings_by_source.get(key, 0),
            }
            for key, done in sources.items()
        ],
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Pretty JSON with a final newline (diff-friendly)."""
    path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
